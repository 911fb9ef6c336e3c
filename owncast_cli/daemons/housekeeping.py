"""Periodic chores of a daemon process: the hourly backup and pruning of old bus events."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import trio

from owncast_cli import backup
from owncast_cli.bus import log
from owncast_cli.repos import runtime

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.housekeeping")

BACKUP_EVERY = 3600.0
#: Events are kept at least this long (and until every durable subscriber has passed them).
EVENT_RETENTION = 7 * 24 * 3600.0


async def housekeeping(ctx: Context, names: list[str]) -> None:
    db, settings = ctx.db, ctx.settings
    while True:
        if await db.run_write(lambda: runtime.claim(db, "housekeeping.backup", BACKUP_EVERY, time.time())):
            target = settings.backup_dir / backup.HOURLY_NAME
            try:
                await trio.to_thread.run_sync(backup.backup_to, settings.db_path, target)
                logger.info("database backed up to %s", target)
            except Exception as exc:  # a failed backup must not stop the daemons
                logger.error("hourly backup to %s failed: %s", target, exc)
            pruned = await db.run_write(lambda: log.prune(db, EVENT_RETENTION))
            if pruned:
                logger.info("pruned %d old bus events", pruned)
        with trio.move_on_after(300):
            await ctx.stopping.wait()
        if ctx.stopping.is_set():
            return
