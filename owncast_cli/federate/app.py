"""The federate HTTP app (quart-trio): public federation routes and the admin's follower routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import request
from quart_trio import QuartTrio

from owncast_cli import adminauth, proxies
from owncast_cli.federate import routes_admin, routes_public
from owncast_cli.federate.http import EXTENSION

if TYPE_CHECKING:
    from owncast_cli.federate.daemon import Federate


def _forwarded() -> tuple[str, str]:
    """(client address, forwarded scheme): X-Forwarded-* believed from serve's Unix-socket proxy
    and from ``trusted_proxies`` only (owncast_cli/proxies.py)."""
    from owncast_cli.federate.http import federate

    client = request.scope.get("client")
    headers = {k.lower(): v for k, v in request.headers.items()}
    return proxies.client_address(client[0] if client else "", headers, federate().service.trusted)


def _client() -> str:
    return _forwarded()[0]


def _scheme() -> str:
    return _forwarded()[1] or str(request.scope.get("scheme") or "http")


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
