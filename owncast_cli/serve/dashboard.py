"""The admin dashboard's pages: one HTML shell at every Owncast admin path, its assets, its CSP.

The dashboard is our own HTML, CSS and JavaScript in ``share/web/admin/`` (no build step); the
browser libraries it uses (uPlot) come from npm into ``share/web/vendor/`` like hls.js. Every
path below answers the same shell, which picks the screen from ``location.pathname``, so Owncast's
admin URLs work as bookmarks. Basic auth is the admin API's guard (:mod:`owncast_cli.adminauth`
covers ``/admin/``); ``/admin`` itself only redirects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from quart import Response, redirect

from owncast_cli.serve.routes_media import send_file

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

#: Owncast's admin page paths (web/pages/admin/), each also answered with or without its slash.
PAGES: Final = (
    "/admin/", "/admin/viewer-info/", "/admin/chat/messages", "/admin/chat/users/", "/admin/chat/emojis/",
    "/admin/federation/followers/", "/admin/federation/actions/", "/admin/config/general/",
    "/admin/config/server/", "/admin/config-video", "/admin/config-chat/", "/admin/config-federation/",
    "/admin/config-notify", "/admin/hardware-info/", "/admin/stream-health", "/admin/logs/",
    "/admin/webhooks/", "/admin/access-tokens/", "/admin/actions/",
)
#: No inline script or style at all: everything the page runs comes from this origin.
CSP: Final = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    # External actions and social links may name icons anywhere; emoji and logo are ours.
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def variants(path: str) -> set[str]:
    """``path`` with and without its trailing slash (``/admin/`` keeps its slash: ``/admin`` redirects)."""
    bare = path.rstrip("/")
    return {path} if bare == "/admin" else {bare, bare + "/"}


def register(app: QuartTrio, svc: Services) -> None:
    root = svc.web_root / "admin"

    @app.get("/admin")
    async def admin_redirect() -> Any:
        return redirect("/admin/", 301)

    async def shell() -> Response:
        response = send_file(root, "index.html", cache="no-store")
        response.headers.update(PAGE_HEADERS)
        return response

    for number, path in enumerate(PAGES):
        for variant in sorted(variants(path)):
            app.add_url_rule(variant, f"admin_page_{number}_{variant.endswith('/')}", shell, methods=["GET"])

    @app.get("/admin/assets/<path:relative>")
    async def admin_asset(relative: str) -> Any:
        response = send_file(root, relative)
        response.headers["Content-Security-Policy"] = CSP
        return response
