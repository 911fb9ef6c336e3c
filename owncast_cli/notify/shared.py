"""What the notify daemon's tasks share: the config they read, kept current from the bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import trio

from owncast_cli.outbound.client import allowed_hosts
from owncast_cli.outbound.guard import Allowlist

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.daemons.context import Context


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

    def wake_notices(self) -> None:
        self.noticed.set()
        self.noticed = trio.Event()
