"""``owncast serve``: bind the front door on TCP and ``run/serve.sock``, serve until stopped."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import trio
from hypercorn.config import Config

from owncast_cli.serve import frontdoor
from owncast_cli.serve.app import Services, create_app
from owncast_cli.serve.fastlane import FastLane
from owncast_cli.serve.mounts import Dispatcher, owner
from owncast_cli.serve.proxy import UnixProxy
from owncast_cli.serve.security import ServerConfig

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.serve")


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    settings = ctx.settings
    host = settings.web_host or str(await ctx.get_config("http_listen_address"))
    port = settings.web_port if settings.web_port is not None else int(await ctx.get_config("http_port_number"))  # type: ignore[arg-type]
    sock_path = settings.socket_path("serve")
    if sock_path.exists():
        sock_path.unlink()  # left by a crash: replace it

    config: Config = ServerConfig()
    config.bind = [f"[{host}]:{port}" if ":" in host else f"{host}:{port}", f"unix:{sock_path}"]
    config.accesslog = logging.getLogger("owncast.http") if settings.verbose else None
    config.errorlog = logging.getLogger("hypercorn.error")
    config.graceful_timeout = 2.0
    config.keep_alive_timeout = 30
    services = Services.create(ctx)
    proxy = UnixProxy(ctx)
    app = Dispatcher(ctx, create_app(ctx, services), proxy)

    def playlist_fetched(peer: str, headers: dict[str, str]) -> None:
        services.viewers.seen(services.client(peer, headers)[0], headers.get("user-agent", ""))

    lane = FastLane(settings.hls_dir, playlist_fetched=playlist_fetched,
                    s3=lambda: bool((services.live.values.get("s3_storage_config") or {}).get("enabled")),
                    idle_timeout=config.keep_alive_timeout)

    def ws_route(path: str) -> Any:
        name = owner(path)
        return ctx.ws_handlers.get(name) if name is not None else None

    async with trio.open_nursery() as nursery:
        # Config first (routes read it), then the counters; all stop with the server.
        await nursery.start(services.live.run)
        await nursery.start(services.viewers.run)
        await nursery.start(services.metrics.run)

        async def http(*, task_status: trio.TaskStatus[list[str]]) -> None:
            await frontdoor.serve(app, config, lane, shutdown_trigger=ctx.stopping.wait,
                                  ws_route=ws_route, task_status=task_status)
            nursery.cancel_scope.cancel()  # hypercorn drained its connections: stop the helpers

        binds = await nursery.start(http)
        logger.info("serving on %s", ", ".join(binds))
        task_status.started(binds)
    try:
        os.unlink(sock_path)
    except FileNotFoundError:
        pass
