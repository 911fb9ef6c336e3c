"""Open the shared SQLite file with the pragmas that let several processes share it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import peewee
import trio

from owncast_cli.db import migrations

T = TypeVar("T")

# STACK.md: WAL + busy_timeout 5000 + synchronous=normal let two writer processes run
# thousands of inserts/s each with no "database is locked".
PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "busy_timeout": 5000,
    "synchronous": "normal",
    "foreign_keys": 1,
}


class SchemaOutdated(RuntimeError):
    """The file's schema is older (or newer) than this program's; only `owncast migrate` fixes it."""


class Database:
    """A peewee database bound to one file, with per-thread connections.

    peewee is synchronous: async code runs a whole unit of work (a sync function holding its own
    ``atomic()``) in a worker thread through :meth:`run`, never a peewee call in ``async def``.
    """

    def __init__(self, path: Path, *, background_checkpoints: bool = False) -> None:
        self.path = Path(path)
        pragmas = dict(PRAGMAS)
        if background_checkpoints:
            # SQLite's automatic checkpoint runs inside whichever commit crosses 1000 pages and
            # fsyncs the database there: a 100-200 ms stall for that writer. Long-running daemons
            # checkpoint from a background task instead (see checkpoint_forever).
            pragmas["wal_autocheckpoint"] = 0
        self.peewee = peewee.SqliteDatabase(str(self.path), pragmas=pragmas, thread_safe=True)
        # One worker thread at a time per process keeps writes short and ordered; reads are
        # cheap and SQLite serialises writers anyway.
        self._limiter = trio.CapacityLimiter(4)

    # --- sync API (worker threads, CLI) -------------------------------------------------------

    def execute(self, sql: str, params: tuple[object, ...] | list[object] = ()) -> list[tuple]:
        """Run one statement on this thread's connection and return all rows."""
        cursor = self.peewee.execute_sql(sql, params)
        return cursor.fetchall()

    def write(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a ``BEGIN IMMEDIATE`` transaction (read-then-write safe across processes)."""
        with self.peewee.atomic("IMMEDIATE"):
            return fn()

    def schema_version(self) -> int:
        return migrations.current_version(self)

    def check_schema(self) -> None:
        """Raise :class:`SchemaOutdated` unless the file is at exactly our schema version."""
        have = self.schema_version()
        if have != migrations.SCHEMA_VERSION:
            if have > migrations.SCHEMA_VERSION:
                raise SchemaOutdated(
                    f"{self.path} has schema version {have}, newer than this owncast "
                    f"({migrations.SCHEMA_VERSION}): upgrade owncast"
                )
            raise SchemaOutdated(
                f"{self.path} has schema version {have}, this owncast needs "
                f"{migrations.SCHEMA_VERSION}: run `owncast migrate` (run-all does it for you)"
            )

    def migrate(self) -> list[int]:
        """Apply pending migrations in order; returns the versions applied."""
        return migrations.migrate(self)

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy the WAL into the database without blocking writers (PASSIVE)."""
        busy, log, checkpointed = self.execute("PRAGMA wal_checkpoint(PASSIVE)")[0]
        return int(busy), int(log), int(checkpointed)

    async def checkpoint_forever(self, every: float = 1.0) -> None:
        """The background checkpointer of a daemon process (opened with background_checkpoints)."""
        while True:
            await trio.sleep(every)
            # Its own thread: an fsync here stalls nobody.
            await trio.to_thread.run_sync(self.checkpoint)

    def close(self) -> None:
        if not self.peewee.is_closed():
            self.peewee.close()

    # --- async API ----------------------------------------------------------------------------

    async def run(self, fn: Callable[[], T]) -> T:
        """Run a sync unit of work in a worker thread."""
        return await trio.to_thread.run_sync(fn, limiter=self._limiter)

    async def run_write(self, fn: Callable[[], T]) -> T:
        """Run a sync unit of work inside ``BEGIN IMMEDIATE`` in a worker thread."""
        return await trio.to_thread.run_sync(self.write, fn, limiter=self._limiter)


def open_database(path: Path, *, migrate: bool = False, check: bool = True,
                  background_checkpoints: bool = False) -> Database:
    """Open the file; migrate it (only `owncast migrate` and run-all pass ``migrate=True``).

    Raises:
        SchemaOutdated: ``check`` is set and the schema is not current.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = Database(path, background_checkpoints=background_checkpoints)
    if migrate:
        db.migrate()
    elif check:
        db.check_schema()
    return db
