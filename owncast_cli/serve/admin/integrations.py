"""Serve's integration routes (bearer tokens): the stream title and the server status.

The chat integration routes (send, system, action, visibility, history, clients, user details)
belong to the chat daemon; :func:`scope_for` covers only what serve answers itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import jsonify

from owncast_cli import __version__, state
from owncast_cli.adminauth import HAS_ADMIN_ACCESS
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store
from owncast_cli.serve.admin.config_setters import SETTERS, apply_setter

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

#: path -> the scope its bearer token needs (Owncast webserver/handlers/integrations.go).
ROUTES = {"/api/integrations/streamtitle": HAS_ADMIN_ACCESS, "/api/integrations/status": HAS_ADMIN_ACCESS}


def scope_for(method: str, path: str) -> str | None:
    return ROUTES.get(path)


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    @app.route("/api/integrations/streamtitle", methods=["POST", "OPTIONS"])
    async def integration_set_stream_title() -> Any:
        try:
            body = await json_object('{"value": "the new title"}')
        except BadRequest as exc:
            return fail(str(exc))
        return await apply_setter(svc, SETTERS["streamtitle"], body)

    @app.route("/api/integrations/status", methods=["GET", "OPTIONS"])
    async def integration_get_status() -> Any:
        stream, viewers = await db.run(lambda: (state.stream(db), state.viewers(db)))
        return no_store(jsonify(core_status(stream, viewers)))


def core_status(stream: dict[str, Any], viewers: dict[str, int]) -> dict[str, Any]:
    """Owncast's ExternalGetStatus writes core.GetStatus(), a models.Status (not /api/status's shape)."""
    return {"online": bool(stream["online"]), "viewerCount": viewers["current"],
            "overallMaxViewerCount": viewers["overallPeak"], "sessionMaxViewerCount": viewers["sessionPeak"],
            "lastConnectTime": stream["lastConnectTime"], "lastDisconnectTime": stream["lastDisconnectTime"],
            "versionNumber": __version__}
