"""The chat HTTP app (quart-trio): ``/ws``, ``/api/chat/*`` and ``/api/moderation/*``, Owncast's shapes.

:func:`websocket_handler` serves ``/ws`` on serve's raw websocket when chat runs in serve's process
(the fast path); the Quart route serves it when chat runs apart, behind serve's proxy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quart import Response, jsonify, request, websocket
from quart_trio import QuartTrio

from owncast_cli.chat.events import ChatUser
from owncast_cli.chat.rules import MAX_FRAME_SIZE
from owncast_cli.chat.service import ChatService, NotFound

if TYPE_CHECKING:
    from owncast_cli.websocket import RawWebSocket, WebSocketHandler

#: Register bodies are tiny; anything bigger is refused before it is read.
MAX_BODY = 64 * 1024


def create_app(service: ChatService) -> QuartTrio:
    app = QuartTrio("owncast-chat", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY

    def peer() -> str:
        client = request.scope.get("client") if request else None
        return client[0] if client else ""

    def headers_of(scope: Mapping[str, Any]) -> dict[str, str]:
        return {k.decode("latin1").lower(): v.decode("latin1") for k, v in scope["headers"]}

    async def current_user(*, moderator: bool) -> ChatUser | None:
        token = request.args.get("accessToken", "")
        user = await service.user_for_token(token) if token else None
        if user is None or user.disabled_at is not None:
            return None
        ip = service.client_address(peer(), headers_of(request.scope))
        if ip in service.banned or (moderator and not user.is_moderator):
            return None
        return user

    def unauthorized() -> Response:
        return Response("unauthorized", status=401, mimetype="text/plain")

    def bad_request(message: str) -> Response:
        response = jsonify({"success": False, "message": message})
        response.status_code = 400
        return response

    async def json_object() -> dict[str, Any] | None:
        body = await request.get_data(as_text=True)
        if not body.strip():
            return {}
        try:
            value = await request.get_json(force=True)
        except Exception:
            return None
        return value if isinstance(value, dict) else None

    @app.route("/api/chat/register", methods=["POST", "OPTIONS"])
    async def register() -> Any:
        if request.method == "OPTIONS":
            return Response("", status=204, headers={"Access-Control-Allow-Origin": "*"})
        body = await json_object()
        if body is None:
            return bad_request("the body must be a JSON object such as {\"displayName\": \"name\"}")
        requested = body.get("displayName")
        if requested is not None and not isinstance(requested, str):
            return bad_request("displayName must be a string")
        headers = headers_of(request.scope)
        # X-Forwarded-User names the user only when a trusted proxy set it.
        forwarded = headers.get("x-forwarded-user") if service.peer_trusted(peer()) else None
        return jsonify(await service.register(forwarded_user=forwarded, requested=requested))

    @app.get("/api/chat")
    async def chat_history() -> Any:
        if await current_user(moderator=False) is None:
            return unauthorized()
        response = jsonify(await service.history())
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/api/chat/messagevisibility")
    @app.post("/api/chat/updatemessagevisibility")  # Owncast's legacy path
    async def message_visibility() -> Any:
        # Read the body before answering: a refused request whose body is left unread can stall
        # the next request on the same keep-alive connection.
        body = await json_object()
        if await current_user(moderator=True) is None:
            return unauthorized()
        ids = (body or {}).get("idArray")
        visible = (body or {}).get("visible")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
            return bad_request("expected {\"idArray\": [message ids], \"visible\": true or false}")
        found = await service.set_visibility(ids, visible)
        return jsonify({"success": True, "message": f"changed {len(found)} of {len(ids)} messages"})

    @app.post("/api/chat/users/setenabled")
    async def set_enabled() -> Any:
        body = await json_object()
        if await current_user(moderator=True) is None:
            return unauthorized()
        user_id = (body or {}).get("userId")
        enabled = (body or {}).get("enabled")
        if not isinstance(user_id, str) or not user_id or not isinstance(enabled, bool):
            return bad_request("expected {\"userId\": \"...\", \"enabled\": true or false}")
        try:
            await service.set_user_enabled(user_id, enabled)
        except NotFound:
            response = jsonify({"success": False, "message": f"no chat user {user_id}"})
            response.status_code = 404
            return response
        return jsonify({"success": True, "message": "enabled" if enabled else "disabled"})

    @app.get("/api/moderation/chat/user/<user_id>")
    async def user_details(user_id: str) -> Any:
        if await current_user(moderator=True) is None:
            return unauthorized()
        try:
            return jsonify(await service.user_details(user_id))
        except NotFound:
            return Response("user not found", status=404, mimetype="text/plain")

    from owncast_cli.chat import admin_api

    admin_api.register(app, service)  # /api/admin/chat/*, users, access tokens, chat integrations

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
