"""The federate HTTP app (quart-trio): public federation routes and the admin's follower routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import request
from quart_trio import QuartTrio

from owncast_cli import adminauth
from owncast_cli.federate import routes_admin, routes_public
from owncast_cli.federate.http import EXTENSION

if TYPE_CHECKING:
    from owncast_cli.federate.daemon import Federate


def _proxied() -> bool:
    """Over ``run/federate.sock`` the peer is serve's proxy, which names the client."""
    client = request.scope.get("client")
    return not client or not client[0]


def _client() -> str:
    if _proxied():
        return request.headers.get("X-Forwarded-For", "").split(",")[-1].strip() or "unix"
    client = request.scope.get("client")
    return str(client[0]) if client else "unix"


def _scheme() -> str:
    if _proxied():
        return request.headers.get("X-Forwarded-Proto", "http").split(",")[0].strip()
    return str(request.scope.get("scheme") or "http")


def create_app(fed: Federate) -> QuartTrio:
    app = QuartTrio("owncast-federate", static_folder=None)
    app.extensions[EXTENSION] = fed
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Owncast's field order ("total" before "results")
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    adminauth.install(app, fed.ctx.db, client_address=_client, scheme=_scheme,
                      integration_scopes=lambda method, path: None)
    app.register_blueprint(routes_public.bp)
    app.register_blueprint(routes_admin.bp)
    return app
