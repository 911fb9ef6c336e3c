"""``owncast serve``: bind the front door on TCP and ``run/serve.sock``, serve until stopped."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import trio
from hypercorn.config import Config

from owncast_cli import proxies
from owncast_cli.bodyfirst import body_first
from owncast_cli.fdlimit import raise_open_file_limit
from owncast_cli.serve import frontdoor, reminders
from owncast_cli.serve.accept import ThrottleRepeats
from owncast_cli.serve.app import MAX_BODY, Services, create_app
from owncast_cli.serve.fastlane import HEAD_TIMEOUT, FastLane
from owncast_cli.serve.limits import ConnectionCounter, Limits
from owncast_cli.serve.mounts import Dispatcher, owner
from owncast_cli.serve.proxy import UnixProxy
from owncast_cli.serve.security import ServerConfig

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.serve")


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    settings = ctx.settings
    values = await ctx.config_values()
    host = settings.web_host or values.http_listen_address
    port = settings.web_port if settings.web_port is not None else values.http_port_number
    sock_path = settings.socket_path("serve")
    if sock_path.exists():
        sock_path.unlink()  # left by a crash: replace it

    config: Config = ServerConfig()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}", f"unix:{sock_path}"]
    config.accesslog = logging.getLogger("owncast.http") if settings.verbose else None
    errorlog = logging.getLogger("hypercorn.error.serve")
    if not errorlog.filters:  # once per process: serve may be restarted in it
        errorlog.addFilter(ThrottleRepeats())
    config.errorlog = errorlog
    config.graceful_timeout = 2.0
    # Many clients connecting at once (a page load, a crowd arriving) must not wait for SYN retries.
    config.backlog = 1024
    limits = Limits.from_config(values, raise_open_file_limit())
    config.keep_alive_timeout = limits.idle_timeout
    # Websockets hypercorn carries (chat run apart, behind the proxy) get Owncast's ping period
    # (chatclient.go: 54 s); chat in this process pings on its raw websockets itself.
    config.websocket_ping_interval = 54.0
    services = Services.create(ctx)
    counter = ConnectionCounter(limits, uncapped=lambda peer: proxies.peer_trusted(peer, services.trusted()))
    proxy = UnixProxy(ctx)
    app = body_first(Dispatcher(ctx, create_app(ctx, services), proxy,
                                federation_enabled=lambda: services.live.values.federation_enabled), MAX_BODY)

    def playlist_fetched(peer: str, headers: dict[str, str]) -> None:
        services.viewers.seen(services.client(peer, headers)[0], headers.get("user-agent", ""))

    lane = FastLane(settings.hls_dir, playlist_fetched=playlist_fetched,
                    s3=lambda: services.live.values.s3_storage_config.get("enabled", False),
                    idle_timeout=limits.idle_timeout, head_timeout=min(HEAD_TIMEOUT, limits.idle_timeout))

    def ws_route(path: str) -> Any:
        name = owner(path)
        return ctx.ws_handlers.get(name) if name is not None else None

    async with trio.open_nursery() as nursery:
        # Config first (routes read it), then the counters; all stop with the server.
        await nursery.start(services.live.run)
        await nursery.start(services.viewers.run)
        await nursery.start(services.metrics.run)
        await nursery.start(reminders.run, ctx, services.live)

        async def http(*, task_status: trio.TaskStatus[list[str]]) -> None:
            await frontdoor.serve(app, config, lane, counter, shutdown_trigger=ctx.stopping.wait,
                                  ws_route=ws_route, task_status=task_status)
            nursery.cancel_scope.cancel()  # hypercorn drained its connections: stop the helpers

        binds = await nursery.start(http)
        logger.info("serving on %s (at most %d connections, %s per address; idle timeout %gs)",
                    ", ".join(binds), limits.total, limits.per_address or "any number",
                    limits.idle_timeout)
        task_status.started(binds)
    try:
        os.unlink(sock_path)
    except FileNotFoundError:
        pass
