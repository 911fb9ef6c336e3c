"""The quart-trio application of the front door: shared services, headers, errors, route modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quart import Response, g, request
from quart_trio import QuartTrio
from werkzeug.exceptions import HTTPException

from owncast_cli import proxies, simpleresponse
from owncast_cli.geoip import GeoIP
from owncast_cli.serve.liveconfig import LiveConfig
from owncast_cli.serve.metrics import PlaybackMetrics
from owncast_cli.serve.viewers import Viewers

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

#: The shipped web page and its assets (share/web in this checkout).
WEB_ROOT = Path(__file__).resolve().parents[2] / "share" / "web"
#: Request bodies larger than this are refused with 413 (the API takes small JSON documents).
MAX_BODY = 1 << 20


@dataclass
class Services:
    """What the routes share: the context, a live copy of the config, viewers and metrics."""

    ctx: Context
    live: LiveConfig
    viewers: Viewers
    metrics: PlaybackMetrics
    geoip: GeoIP
    web_root: Path = WEB_ROOT
    _trusted_src: list[str] = field(default_factory=list)
    _trusted: list[proxies.Network] = field(default_factory=list)

    @classmethod
    def create(cls, ctx: Context) -> Services:
        return cls(ctx, LiveConfig(ctx), Viewers(ctx), PlaybackMetrics(ctx), GeoIP(ctx.settings.datadir))

    def trusted(self) -> list[proxies.Network]:
        source = self.live.values.trusted_proxies
        if source != self._trusted_src:
            self._trusted_src, self._trusted = list(source), proxies.parse_networks(source)
        return self._trusted

    def client(self, peer: str, headers: Any) -> tuple[str, str]:
        """(address, forwarded scheme) of the requester; see :func:`proxies.client_address`."""
        return proxies.client_address(peer, headers, self.trusted())


def create_app(ctx: Context, services: Services | None = None) -> QuartTrio:
    from owncast_cli.serve import (
        dashboard,
        notifications,
        pages,
        routes_api,
        routes_media,
        routes_metrics,
        routes_schedule,
    )

    svc = services or Services.create(ctx)
    app = QuartTrio("owncast", static_folder=None, template_folder=str(svc.web_root / "templates"))
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # Owncast's encoding/json writes struct fields in declaration order: payloads are built in it.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["SERVICES"] = svc
    # "//" must reach the file checks (and be refused there), not be redirected to a merged path.
    app.url_map.merge_slashes = False

    @app.before_request
    async def identify() -> None:
        client = request.scope.get("client") or ("", 0)
        peer = client[0] if client and isinstance(client[0], str) else ""
        headers = {k.lower(): v for k, v in request.headers.items()}
        g.client_ip, g.forwarded_proto = svc.client(peer, headers)

    @app.errorhandler(HTTPException)
    async def http_error(exc: HTTPException) -> Any:
        return simpleresponse.http_error(exc, request.path)

    from owncast_cli.serve import admin

    admin.register(app, svc)  # first: its guard must run before any admin route
    routes_api.register(app, svc)
    notifications.register(app, svc)
    routes_metrics.register(app, svc)
    routes_media.register(app, svc)
    routes_schedule.register(app, svc)
    pages.register(app, svc)
    dashboard.register(app, svc)
    return app


def no_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate"
    return response
