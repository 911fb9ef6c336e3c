"""Run daemons in one process: start in order, supervise, restart with backoff, stop gracefully."""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Sequence
from functools import partial

import trio

from owncast_cli.bus import open_bus
from owncast_cli.bus.catalog import DaemonsReady
from owncast_cli.config import ConfigStore
from owncast_cli.daemons import records, systemd
from owncast_cli.daemons.context import Context
from owncast_cli.daemons.housekeeping import housekeeping
from owncast_cli.daemons.registry import DaemonSpec
from owncast_cli.db import Database
from owncast_cli.plugins import PluginHost
from owncast_cli.settings import Settings

logger = logging.getLogger("owncast.run")

#: After SIGTERM, daemons get this long to finish before they are cancelled.
GRACE_SECONDS = 3.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 30.0
#: A daemon that ran this long without crashing starts its backoff afresh.
STABLE_SECONDS = 60.0


async def _supervise(
    ctx: Context, spec: DaemonSpec, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED
) -> None:
    serve = spec.load()
    restarts, streak, started = 0, 0, False
    while True:
        began = time.monotonic()
        try:
            async with trio.open_nursery() as nursery:
                bound = await nursery.start(serve, ctx)
                detail = ", ".join(bound) if isinstance(bound, (list, tuple)) else str(bound or "")
                await ctx.db.run_write(partial(records.record, ctx.db, spec.name, "running",
                                               restarts=restarts, detail=detail))
                if not started:
                    started = True
                    task_status.started()
            if ctx.stopping.is_set():
                return
            raise RuntimeError(f"{spec.name} returned without being asked to stop")
        except Exception as exc:
            if not started:
                raise  # failing at first start is a configuration problem: say so and exit
            streak = 1 if time.monotonic() - began > STABLE_SECONDS else streak + 1
            restarts += 1
            delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (streak - 1))
            logger.error("%s crashed (%s: %s); restart %d in %.1fs", spec.name,
                         type(exc).__name__, exc, restarts, delay, exc_info=exc)
            why = f"{type(exc).__name__}: {exc}"
            await ctx.db.run_write(partial(records.record, ctx.db, spec.name, "restarting",
                                           restarts=restarts, detail=why))
            with trio.move_on_after(delay):
                await ctx.stopping.wait()
            if ctx.stopping.is_set():
                return


async def _watch_signals(ctx: Context, cancel_scope: trio.CancelScope) -> None:
    with trio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for signum in signals:
            logger.info("%s received: stopping", signal.Signals(signum).name)
            systemd.notify("STOPPING=1")
            ctx.stopping.set()
            break
    # Daemons return by themselves once they have closed their connections; past the grace
    # period whatever remains is cancelled.
    await trio.sleep(GRACE_SECONDS)
    logger.warning("daemons still running after %.0fs: cancelling them", GRACE_SECONDS)
    cancel_scope.cancel()


def _front_door_last(specs: Sequence[DaemonSpec]) -> list[DaemonSpec]:
    """``specs`` in start order: serve last, so its public port opens only once every daemon whose
    routes it fronts has mounted them (with serve first, ``POST /api/chat/register`` answered 404
    for about 300 ms after ``/api/status`` first answered). READY=1 follows the same order."""
    return sorted(specs, key=lambda spec: spec.name == "serve")


async def run_daemons(settings: Settings, db: Database, specs: Sequence[DaemonSpec], *, source: str,
                      plugins: PluginHost) -> None:
    """Start ``specs`` in order in this process and run until SIGTERM/SIGINT."""
    async with open_bus(db, settings.run_dir, source) as bus:
        ctx = Context(settings, db, bus, plugins)
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(_watch_signals, ctx, nursery.cancel_scope)
                daemons = trio.open_nursery()
                async with daemons as daemon_nursery:
                    for spec in _front_door_last(specs):
                        await daemon_nursery.start(_supervise, ctx, spec)
                        logger.info("%s ready", spec.name)
                    await bus.publish(DaemonsReady([s.name for s in specs]))
                    systemd.notify("READY=1")
                    nursery.start_soon(housekeeping, ctx, [s.name for s in specs])
                    nursery.start_soon(db.checkpoint_forever)
                    if plugins.has_event_hooks() and "serve" in [s.name for s in specs]:
                        nursery.start_soon(plugins.dispatch_events, ctx)
                nursery.cancel_scope.cancel()  # every daemon returned: stop the helpers too
        finally:
            with trio.CancelScope(shield=True):
                await db.run_write(lambda: _record_stopped(db, specs))
    logger.info("stopped")


def _record_stopped(db: Database, specs: Sequence[DaemonSpec]) -> None:
    for spec in specs:
        records.record(db, spec.name, "stopped")


def prepare_database(settings: Settings, *, migrate: bool) -> Database:
    """Open the shared file; ``migrate`` only for run-all and `owncast migrate`."""
    from owncast_cli.db import open_database

    settings.ensure_dirs()
    db = open_database(settings.db_path, migrate=migrate, background_checkpoints=True)
    if migrate:
        from owncast_cli.bus import log
        from owncast_cli.bus.push import push_sync

        store = ConfigStore(db)
        events = db.write(lambda: log.append(db, store.populate_defaults(), "migrate"))
        push_sync(settings.run_dir, events)
    return db
