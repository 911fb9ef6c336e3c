"""Helpers for the sync admin commands: open the database checked, write and push events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from owncast_cli.commands.options import fail
from owncast_cli.settings import Settings

if TYPE_CHECKING:
    from owncast_cli.bus.eventtype import BusEvent


def open_db(settings: Settings) -> Any:
    """Open the shared file; a missing or outdated schema says which command fixes it."""
    from owncast_cli.db import SchemaOutdated, open_database

    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: run `owncast migrate` (or `owncast run-all`) first")
    try:
        return open_database(settings.db_path)
    except SchemaOutdated as exc:
        fail(str(exc))


def write_and_push(db: Any, settings: Settings, work: Callable[[], Sequence[BusEvent]]) -> None:
    """Run ``work`` (returning bus events) in one transaction with the events, then push them."""
    from owncast_cli.bus import log
    from owncast_cli.bus.push import push_sync

    events = db.write(lambda: log.append(db, work(), "cli"))
    push_sync(settings.run_dir, events)
