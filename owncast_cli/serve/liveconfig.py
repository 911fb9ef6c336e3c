"""An in-memory copy of the config for hot paths, kept current by ``config.changed`` events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import trio

from owncast_cli.bus.catalog import ConfigChanged
from owncast_cli.config.store import ConfigStore

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context


class LiveConfig:
    """``values`` is every key's current value; reloaded whenever any key changes.

    Requests read it without a database round trip (a playlist fetch must not cost a thread hop);
    a change made by the CLI or the admin API reaches it through the bus within milliseconds.
    """

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.values: dict[str, Any] = {}
        self.changed = trio.Event()

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    async def reload(self) -> None:
        db = self.ctx.db
        self.values = await db.run(lambda: ConfigStore(db).all())
        self.changed.set()
        self.changed = trio.Event()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Subscribe first, then load, so no change falls between the two."""
        async with self.ctx.bus.subscribe(types=[ConfigChanged]) as sub:
            await self.reload()
            task_status.started()
            async for _event in sub:
                await self.reload()
