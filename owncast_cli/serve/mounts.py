"""Which daemon owns which paths, and the ASGI dispatcher that sends requests to it.

A daemon with HTTP routes (chat, federate) serves its own app on ``run/<name>.sock`` and, when it
runs in this process, also registers that app in ``ctx.http_apps[name]``; the dispatcher then calls
it directly. Serve never imports another daemon: it knows paths and names, not code.

While a daemon of the registry is not serving (starting, restarting after a crash, stopped, or its
socket gone), its paths answer 503 with ``Retry-After`` and a JSON error naming it, never 404: a
client or load balancer can tell "try again" from "no such route".
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.serve.limits import RETRY_AFTER

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

Scope = dict[str, Any]
#: (scope, receive, send); loose enough for Quart's precisely typed ``__call__``.
ASGIApp = Callable[..., Awaitable[None]]

#: (path prefix, daemon). A prefix ending in "/" matches below it; otherwise the exact path too.
ROUTES: tuple[tuple[str, str], ...] = (
    ("/ws", "chat"),
    ("/api/chat", "chat"),
    ("/api/moderation/", "chat"),
    ("/api/admin/chat/", "chat"),
    ("/api/admin/users", "chat"),
    ("/api/admin/accesstokens", "chat"),
    ("/api/integrations/chat", "chat"),
    ("/api/integrations/clients", "chat"),
    ("/api/integrations/moderation/", "chat"),
    ("/.well-known/webfinger", "federate"),
    ("/.well-known/host-meta", "federate"),
    ("/.well-known/nodeinfo", "federate"),
    ("/.well-known/x-nodeinfo2", "federate"),
    ("/nodeinfo/", "federate"),
    ("/api/v1/instance", "federate"),
    ("/federation/", "federate"),
    ("/api/admin/followers", "federate"),
    ("/api/admin/federation/send", "federate"),
    ("/api/admin/federation/actions", "federate"),
)


def owner(path: str) -> str | None:
    """The daemon whose routes include ``path``, or None for serve's own."""
    for prefix, name in ROUTES:
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return name
        elif path == prefix or path.startswith(prefix + "/"):
            return name
    return None


class Dispatcher:
    """ASGI app: other daemons' paths go to their app (in-process) or their socket; the rest to serve."""

    def __init__(self, ctx: Context, front: ASGIApp, proxy: ASGIApp | None = None,
                 federation_enabled: Callable[[], bool] = lambda: False) -> None:
        self.ctx, self.front, self.proxy = ctx, front, proxy
        self.federation_enabled = federation_enabled

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            name = owner(scope["path"])
            if name is not None:
                app = self.ctx.http_apps.get(name)
                if app is not None:
                    await app(scope, receive, send)
                    return
                if self.proxy is not None and self.ctx.settings.socket_path(name).exists():
                    await self.proxy({**scope, "owncast.daemon": name}, receive, send)
                    return
                if name == "federate" and not scope["path"].startswith("/api/admin/") \
                        and not self.federation_enabled():
                    await disabled(scope, receive, send)  # as Owncast: 405 while federation is off
                    return
                if name in DAEMONS:
                    await unavailable(scope, receive, send, name)
                    return
        await self.front(scope, receive, send)


async def unavailable(scope: Scope, receive: Any, send: Any, name: str) -> None:
    """Answer 503 + ``Retry-After`` naming daemon ``name``, to a request or a websocket handshake."""
    body = json.dumps({"error": f"the {name} daemon is not running; start it with `owncast {name}` "
                                f"(or run every daemon with `owncast run-all`), or try again shortly",
                       "daemon": name}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
               (b"retry-after", str(RETRY_AFTER).encode()), (b"cache-control", b"no-store"),
               # A request body is left unread, and hypercorn does not reuse a connection whose
               # upgrade it refused: say so, or a client reusing it meets a closed socket.
               (b"connection", b"close")]  # hypercorn adds the security headers (ServerConfig)
    prefix = ""
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1013})  # RFC 6455 7.4.1: try again later
            return
        prefix = "websocket."
    await send({"type": prefix + "http.response.start", "status": 503, "headers": headers})
    await send({"type": prefix + "http.response.body", "body": body})


async def disabled(scope: Scope, receive: Any, send: Any) -> None:
    """405 with no body: a federation route while federation is disabled (Owncast's answer)."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "http.response.start", "status": 405,
                "headers": [(b"content-length", b"0"), (b"cache-control", b"no-store")]})
    await send({"type": "http.response.body", "body": b""})
