"""The chat HTTP app (quart-trio): the routes of routes.py, and ``/ws`` on either transport.

:func:`websocket_handler` serves ``/ws`` on serve's raw websocket when chat runs in serve's process
(the fast path); the Quart route serves it when chat runs apart, behind serve's proxy. Both run the
same session, and clients get the same frames (see hub.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import Response, request, websocket
from quart_trio import QuartTrio
from werkzeug.exceptions import HTTPException

from owncast_cli import adminauth, simpleresponse
from owncast_cli.chat.http import EXTENSION, client_ip, headers_of, scheme
from owncast_cli.chat.integration_routes import integration_scope
from owncast_cli.chat.routes import blueprints
from owncast_cli.chat.rules import MAX_FRAME_SIZE

if TYPE_CHECKING:
    from owncast_cli.chat.service import ChatService
    from owncast_cli.websocket import RawWebSocket, WebSocketHandler

#: Register bodies are tiny; anything bigger is refused before it is read.
MAX_BODY = 64 * 1024


def create_app(service: ChatService) -> QuartTrio:
    app = QuartTrio("owncast-chat", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # Owncast's encoding/json writes struct fields in declaration order: payloads are built in it.
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION] = service
    # Basic auth for /api/admin/*, bearer scopes for /api/integrations/* (as serve's guard).
    adminauth.install(app, service.db, client_address=client_ip, scheme=scheme,
                      integration_scopes=integration_scope)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)

    @app.errorhandler(HTTPException)
    async def http_error(exc: HTTPException) -> Any:
        return simpleresponse.http_error(exc, request.path)  # as serve's, not Quart's HTML page

    @app.websocket("/ws")
    async def chat_socket() -> Any:
        scope = websocket.scope
        client = scope.get("client")
        headers = headers_of(scope)
        ip = service.client_address(client[0] if client else "", headers)
        refusal = service.connect_refusal(ip)
        if refusal is not None:
            # Before the upgrade, as Owncast: a plain HTTP answer.
            return Response(refusal.body, status=refusal.status, mimetype="text/plain")
        await websocket.accept()
        await service.session(websocket, token=websocket.args.get("accessToken") or None, ip=ip,
                              user_agent=headers.get("user-agent", ""))
        return None

    return app


def websocket_handler(service: ChatService) -> WebSocketHandler:
    """``/ws`` on a raw websocket from serve's front door (``ctx.ws_handlers["chat"]``): the same
    checks and session as the Quart route."""

    async def handle(conn: RawWebSocket) -> None:
        if conn.path != "/ws":
            await conn.refuse(404, "Not Found\n")  # another chat path: no websocket there
            return
        ip = service.client_address(conn.peer, conn.headers)
        refusal = service.connect_refusal(ip)
        if refusal is not None:
            await conn.refuse(refusal.status, refusal.body)  # before the upgrade, as Owncast
            return
        # Frames beyond Owncast's read limit close the socket with 1009 (the session says so for
        # those up to 4x the limit; larger ones are not even reassembled).
        conn.max_message_size = 4 * MAX_FRAME_SIZE
        await conn.accept()
        await service.session(conn, token=conn.args.get("accessToken") or None, ip=ip,
                              user_agent=conn.headers.get("user-agent", ""))

    return handle
