"""Every hook a plugin can implement, in one file. Plugins mark functions with ``@hookimpl``."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("owncast")
hookimpl = pluggy.HookimplMarker("owncast")


@hookspec
def owncast_event(event: dict[str, Any], settings: Any) -> None:
    """Called once for every bus event, in id order, from a worker thread.

    ``event`` is ``{"id", "type", "source", "ts", "data"}``; ``settings`` tells where the data
    directory is. Delivery is at-least-once (after a crash the last events may come again):
    de-duplicate by ``event["id"]`` if that matters.
    """


@hookspec
def owncast_daemons() -> list[Any]:
    """Return extra daemons to run under ``run-all``: a list of
    ``owncast_cli.daemons.registry.DaemonSpec``, each naming an ``async def serve(ctx, *, task_status)``.
    """
    return []  # a hookspec's body never runs: pluggy calls the plugins' implementations
