"""The chat daemon's periodic jobs: history retention and the emoji rescan."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.emoji import SHIPPED_DIR, scan_emoji
from owncast_cli.repos import chat_messages

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore

logger = logging.getLogger("owncast.chat")

PRUNE_INTERVAL_SECONDS: Final = 300.0
EMOJI_RESCAN_SECONDS: Final = 30.0


async def load_emoji(core: ChatCore) -> None:
    core.emoji = await trio.to_thread.run_sync(scan_emoji, core.ctx.settings.emoji_dir, SHIPPED_DIR)


async def prune_forever(core: ChatCore) -> None:
    """Delete messages older than ``chat_history_retention_hours``, now and every few minutes."""
    db = core.db
    while True:
        hours = float(core.config["chat_history_retention_hours"])
        before = core.clock.now() - hours * 3600
        removed = await db.run_write(partial(chat_messages.prune, db, before))
        if removed:
            logger.info("pruned %d chat messages older than %g h", removed, hours)
        await trio.sleep(PRUNE_INTERVAL_SECONDS)


async def rescan_emoji_forever(core: ChatCore) -> None:
    """Pick up emoji the admin uploaded (serve writes them; chat may run apart)."""
    while True:
        await trio.sleep(EMOJI_RESCAN_SECONDS)
        await load_emoji(core)
