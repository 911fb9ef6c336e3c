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


async def prune(core: ChatCore) -> int:
    """Delete messages older than ``chat_history_retention_hours`` (by the core's clock)."""
    hours = float(core.config["chat_history_retention_hours"])
    removed = await core.db.run_write(partial(chat_messages.prune, core.db, core.clock.now() - hours * 3600))
    if removed:
        logger.info("pruned %d chat messages older than %g h", removed, hours)
    return removed


async def prune_forever(core: ChatCore) -> None:
    """:func:`prune` now and every few minutes."""
    while True:
        await prune(core)
        await trio.sleep(PRUNE_INTERVAL_SECONDS)


async def rescan_emoji_forever(core: ChatCore) -> None:
    """Pick up emoji the admin uploaded (serve writes them; chat may run apart)."""
    while True:
        await trio.sleep(EMOJI_RESCAN_SECONDS)
        await load_emoji(core)
