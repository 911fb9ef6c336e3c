"""Chat integration routes (Owncast's bearer-token API for bots): send, announce, moderate.

Scopes follow Owncast's integrations.go (:func:`integration_scope`); the guard in
:mod:`owncast_cli.adminauth` checks them and answers OPTIONS preflights (204 with CORS).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from quart import Response, g, jsonify

from owncast_cli import adminauth
from owncast_cli.chat.events import EventType
from owncast_cli.chat.http import error, fail, json_body, ok, service, unauthorized
from owncast_cli.chat.moderation import NotFound

MAX_MESSAGE: Final = 2048


def integration_scope(method: str, path: str) -> str | None:
    """The scope a bearer token needs for a chat integration route (Owncast integrations.go)."""
    if path in ("/api/integrations/chat/send", "/api/integrations/chat/user"):
        return adminauth.CAN_SEND_MESSAGES
    if path in ("/api/integrations/chat/system", "/api/integrations/chat/action") or \
            path.startswith("/api/integrations/chat/system/client/"):
        return adminauth.CAN_SEND_SYSTEM_MESSAGES
    if path in ("/api/integrations/chat/messagevisibility", "/api/integrations/chat",
                "/api/integrations/clients") or path.startswith("/api/integrations/moderation/chat/user/"):
        return adminauth.HAS_ADMIN_ACCESS
    return None


def _no_body() -> Response:
    return fail("no message body provided")  # Owncast's SendSystemMessageToConnectedClient


def _invalid() -> Response:
    return error("invalid message")  # Owncast's SendIntegrationChatMessage (BadRequestHandler)


async def _message_body(refuse_empty: Callable[[], Response] = _no_body) -> str | Response:
    body = await json_body('{"body": "text"}')
    if isinstance(body, Response):
        return body
    text = body.get("body")
    if not isinstance(text, str) or not text.strip():
        return refuse_empty()
    if len(text.encode()) > MAX_MESSAGE:
        return fail(f"the message is longer than {MAX_MESSAGE} bytes")
    return text


async def send() -> Any:
    text = await _message_body(_invalid)
    if isinstance(text, Response):
        return text
    try:
        sent = await service().send_as(g.integration.user_id, text)
    except NotFound:
        return unauthorized()
    if sent is None:
        return _invalid()  # empty once rendered, as Owncast's event.Empty()
    return ok("sent")


async def user_message() -> Any:
    return error("no longer supported. see /api/integrations/chat/send")


async def _announce(kind: EventType) -> Any:
    text = await _message_body()
    if isinstance(text, Response):
        return text
    service().announce(kind, text)
    return ok("sent")


async def system() -> Any:
    return await _announce(EventType.SYSTEM)


async def action() -> Any:
    return await _announce(EventType.CHAT_ACTION)


async def system_to_client(client_id: str) -> Any:
    if not client_id.isdigit():
        return fail(f"the client id must be an integer (got {client_id!r})")
    text = await _message_body()
    if isinstance(text, Response):
        return text
    if not service().send_system_to_client(int(client_id), text):
        # Owncast answers 200 "sent" whether or not the client exists; 400 says it does not.
        return fail(f"no connected chat client {client_id}")
    return ok("sent")


async def history() -> Any:
    return jsonify(await service().history())


async def user_details(user_id: str) -> Any:
    try:
        return jsonify(await service().user_details(user_id))
    except NotFound:
        # Owncast's GetUserDetails: a bare 404 (here with a one-line text body).
        return Response("user not found", status=404, mimetype="text/plain")
