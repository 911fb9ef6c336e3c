"""Config changes from the admin API: the same validators and bus events as ``owncast config set``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.bus.catalog import ConfigChanged
    from owncast_cli.daemons.context import Context


async def set_values(ctx: Context, values: Mapping[str, Any]) -> list[Event]:
    """Validate and write ``values`` and publish their ``config.changed`` events, in one transaction.

    Raises:
        ConfigError: a value was refused (nothing is written); the message says what is allowed.
    """
    store = ctx.config

    def effect() -> list[ConfigChanged]:
        return store.apply(store.plan(dict(values)))

    return await ctx.bus.publish_many([], effect=effect)
