"""Which daemon owns which paths, and the ASGI dispatcher that sends requests to it.

A daemon with HTTP routes (chat, federate) serves its own app on ``run/<name>.sock`` and, when it
runs in this process, also registers that app in ``ctx.http_apps[name]``; the dispatcher then calls
it directly. Serve never imports another daemon: it knows paths and names, not code.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

Scope = dict[str, Any]
#: Loose on purpose: Quart's apps type their scope and messages as TypedDicts.
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
    ("/.well-known/", "federate"),
    ("/federation/", "federate"),
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

    def __init__(self, ctx: Context, front: ASGIApp, proxy: ASGIApp | None = None) -> None:
        self.ctx, self.front, self.proxy = ctx, front, proxy

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
                # The daemon is not running: its routes are simply absent.
        await self.front(scope, receive, send)
