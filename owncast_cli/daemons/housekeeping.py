"""Periodic chores of a daemon process: the hourly backup and pruning of old bus events."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import trio

from owncast_cli import backup
from owncast_cli.bus import log

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.housekeeping")

BACKUP_EVERY = 3600.0
#: Events are kept at least this long (and until every durable subscriber has passed them).
EVENT_RETENTION = 7 * 24 * 3600.0


def _claim(db: object, key: str, every: float) -> bool:
    """Take the chore if nobody did it within ``every`` seconds (one process wins)."""
    now = time.time()
    rows = db.execute("SELECT value FROM runtime WHERE key = ?", (key,))  # type: ignore[attr-defined]
    if rows and now - float(rows[0][0]) < every:
        return False
    db.execute(  # type: ignore[attr-defined]
        "INSERT INTO runtime (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) "
        "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, str(now), now),
    )
    return True


async def housekeeping(ctx: Context, names: list[str]) -> None:
    db, settings = ctx.db, ctx.settings
    while True:
        if await db.run_write(lambda: _claim(db, "housekeeping.backup", BACKUP_EVERY)):
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
