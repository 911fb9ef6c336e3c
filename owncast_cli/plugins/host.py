"""Finding plugins (entry points and a plugins folder) and calling their hooks."""

from __future__ import annotations

import importlib.util
import logging
import sys
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

from owncast_cli.plugins import hookspecs

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context
    from owncast_cli.daemons.registry import DaemonSpec

logger = logging.getLogger("owncast.plugins")

ENTRY_POINT_GROUP = "owncast"
#: The durable bus cursor of plugin event delivery.
CURSOR = "plugins"


def default_plugins_dir() -> Path | None:
    """The repository's ``plugins/`` folder when running from a checkout, else none."""
    root = Path(__file__).resolve().parents[2]
    candidate = root / "plugins"
    return candidate if (root / "setup.cfg").is_file() and candidate.is_dir() else None


class PluginHost:
    def __init__(self, manager: pluggy.PluginManager) -> None:
        self.manager = manager

    @property
    def names(self) -> list[str]:
        return sorted(name for name, _ in self.manager.list_name_plugin() if name)

    def has_event_hooks(self) -> bool:
        return bool(self.manager.hook.owncast_event.get_hookimpls())

    def extra_daemons(self) -> list[DaemonSpec]:
        return [spec for specs in self.manager.hook.owncast_daemons() for spec in specs]

    async def dispatch_events(self, ctx: Context) -> None:
        """Deliver every bus event to the plugins, resuming after the last acknowledged one."""
        import trio

        hook = self.manager.hook.owncast_event
        async with ctx.bus.subscribe(CURSOR) as sub:
            async for event in sub:
                payload = asdict(event)
                try:
                    # Abandoned on cancel: a hook stuck for good must not keep SIGTERM from ending
                    # the process. Its event is not acknowledged, so it is delivered again later.
                    await trio.to_thread.run_sync(partial(hook, event=payload, settings=ctx.settings),
                                                  abandon_on_cancel=True)
                except Exception:
                    logger.exception("a plugin failed on event %d (%s)", event.id, event.type)
                with trio.CancelScope(shield=True):
                    await sub.ack(event.id)  # delivered: acknowledged even while stopping, never sent twice


def _load_file(manager: pluggy.PluginManager, path: Path) -> None:
    name = f"owncast_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    manager.register(module, name=path.stem)


def load_plugins(plugins_dir: Path | None, *, entry_points: bool = True) -> PluginHost:
    """Register plugins from the ``owncast`` entry-points group and ``*.py`` in ``plugins_dir``."""
    manager = pluggy.PluginManager("owncast")
    manager.add_hookspecs(hookspecs)
    if entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    if plugins_dir is not None:
        if not plugins_dir.is_dir():
            raise FileNotFoundError(f"plugins directory {plugins_dir} does not exist")
        for path in sorted(plugins_dir.glob("*.py")):
            if not path.name.startswith("_"):
                try:
                    _load_file(manager, path)
                except Exception as exc:
                    raise RuntimeError(f"plugin {path} failed to load: {exc}") from exc
    host = PluginHost(manager)
    if host.names:
        logger.info("plugins: %s", ", ".join(host.names))
    return host


def describe(host: PluginHost) -> list[dict[str, Any]]:
    return [{"name": name} for name in host.names]
