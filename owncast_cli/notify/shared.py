"""What the notify daemon's tasks share: the config they read, kept current from the bus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli.outbound.client import allowed_hosts
from owncast_cli.outbound.guard import Allowlist

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.daemons.context import Context


@dataclass
class _Write:
    work: Callable[[], Any]
    done: trio.Event = field(default_factory=trio.Event)
    error: BaseException | None = None


@dataclass
class Shared:
    """One per notify daemon. ``config`` is re-read whenever a ``config.changed`` event arrives."""

    ctx: Context
    config: ConfigValues
    allow: Allowlist
    #: Set when new deliveries were queued: the delivery lanes look for work.
    queued: trio.Event = field(default_factory=trio.Event)
    #: Set when a go-live or reminder notice was queued or cancelled.
    noticed: trio.Event = field(default_factory=trio.Event)
    #: Set when the directory should be pinged now (the stream started, its config changed).
    directory_wake: trio.Event = field(default_factory=trio.Event)
    #: Held around each of the daemon's write transactions: two of them at once would only make
    #: one wait in SQLite's busy handler, which sleeps in steps of milliseconds.
    writing: trio.Lock = field(default_factory=trio.Lock)

    _writes: list[_Write] = field(default_factory=list)
    _write_wanted: trio.Event = field(default_factory=trio.Event)

    @classmethod
    async def load(cls, ctx: Context) -> Shared:
        config = await ctx.config_values()
        return cls(ctx, config, allowed_hosts(config))

    async def reload(self) -> None:
        self.config = await self.ctx.config_values()
        self.allow = allowed_hosts(self.config)

    def wake_deliveries(self) -> None:
        self.queued.set()
        self.queued = trio.Event()

    def wake_directory(self) -> None:
        self.directory_wake.set()
        self.directory_wake = trio.Event()

    def wake_notices(self) -> None:
        self.noticed.set()
        self.noticed = trio.Event()

    async def write(self, work: Callable[[], Any]) -> None:
        """Run ``work`` in a write transaction shared with the writes queued meanwhile (group
        commit: the delivery lanes each record an outcome before their next send), and return
        once it is committed. Needs :meth:`run_writer` running."""
        request = _Write(work)
        self._writes.append(request)
        self._write_wanted.set()
        await request.done.wait()
        if request.error is not None:
            raise request.error

    async def run_writer(self) -> None:
        db = self.ctx.db
        while True:
            await self._write_wanted.wait()
            self._write_wanted = trio.Event()
            batch, self._writes = self._writes, []

            def work(batch: list[_Write] = batch) -> None:
                for request in batch:
                    try:
                        with db.peewee.atomic():  # a savepoint: one failure is its writer's alone
                            request.work()
                    except Exception as exc:
                        request.error = exc

            try:
                async with self.writing:
                    await db.run_write(work)
            except Exception as exc:  # the commit itself failed: every writer hears of it
                for request in batch:
                    request.error = exc
            for request in batch:
                request.done.set()
