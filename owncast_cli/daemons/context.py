"""The context a daemon's ``serve()`` receives: settings plus the process's shared resources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli.config import ConfigStore, ConfigValues
from owncast_cli.settings import Settings

if TYPE_CHECKING:
    from owncast_cli.bus import Bus
    from owncast_cli.db import Database
    from owncast_cli.plugins import PluginHost


@dataclass(frozen=True)
class Context:
    """One per process: ``run-all`` hands the same one to every daemon it runs."""

    settings: Settings
    db: Database
    bus: Bus
    plugins: PluginHost
    #: Set on SIGTERM/SIGINT: daemons stop accepting, finish what they hold, and return.
    stopping: trio.Event = field(default_factory=trio.Event)
    #: HTTP apps of daemons running in this process, by daemon name (e.g. "chat"): serve
    #: dispatches their paths to them in-process, and proxies to ``run/<name>.sock`` otherwise.
    http_apps: dict[str, Any] = field(default_factory=dict)
    #: Websocket handlers of daemons running in this process, by daemon name: serve's front door
    #: shakes hands itself on their paths and hands them a ``owncast_cli.websocket.RawWebSocket``.
    ws_handlers: dict[str, Any] = field(default_factory=dict)

    @property
    def config(self) -> ConfigStore:
        """The config store, for writes (sync: use it inside a unit of work)."""
        return ConfigStore(self.db)

    async def config_values(self) -> ConfigValues:
        """Every config value, typed (``(await ctx.config_values()).stream_title`` is a ``str``)."""
        store = self.config
        return await self.db.run(store.values)
