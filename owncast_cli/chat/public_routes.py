"""Chat routes for chat users and moderators (their access token): Owncast's ``/api/chat*`` shapes."""

from __future__ import annotations

from typing import Any

from quart import Response, jsonify, request

from owncast_cli.chat.http import (
    client_ip,
    fail,
    headers_of,
    ok,
    optional_json_object,
    peer,
    service,
    unauthorized,
)
from owncast_cli.chat.moderation import NotFound
from owncast_cli.repos.users import ChatUser


async def _current_user(*, moderator: bool) -> ChatUser | None:
    token = request.args.get("accessToken", "")
    chat = service()
    user = await chat.user_for_token(token) if token else None
    if user is None or user.disabled_at is not None:
        return None
    if chat.is_banned(client_ip()) or (moderator and not user.is_moderator):
        return None
    return user


async def register() -> Any:
    if request.method == "OPTIONS":
        return Response("", status=204, headers={"Access-Control-Allow-Origin": "*"})
    # Owncast's RegisterAnonymousChatUser ignores a body it cannot decode and registers anyway.
    body = await optional_json_object() or {}
    requested = body.get("displayName")
    if not isinstance(requested, str):
        requested = None
    chat = service()
    # X-Forwarded-User names the user only when a trusted proxy set it.
    forwarded = headers_of(request.scope).get("x-forwarded-user") if chat.peer_trusted(peer()) else None
    return jsonify(await chat.register(forwarded_user=forwarded, requested=requested))


async def history() -> Any:
    if await _current_user(moderator=False) is None:
        return unauthorized()
    response = jsonify(await service().history())
    response.headers["Cache-Control"] = "no-store"
    return response


async def message_visibility() -> Any:
    # Read the body before answering: a refused request whose body is left unread can stall
    # the next request on the same keep-alive connection.
    body = await optional_json_object() or {}
    if await _current_user(moderator=True) is None:
        return unauthorized()
    ids, visible = body.get("idArray"), body.get("visible")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
        return fail("missing required fields: idArray and visible are required")
    await service().set_visibility(ids, visible)
    return ok("changed")


async def set_enabled() -> Any:
    body = await optional_json_object() or {}
    if await _current_user(moderator=True) is None:
        return unauthorized()
    user_id, enabled = body.get("userId"), body.get("enabled")
    if not isinstance(user_id, str) or not user_id or not isinstance(enabled, bool):
        return fail("must provide userId and enabled state")
    try:
        await service().set_user_enabled(user_id, enabled)
    except NotFound:
        return fail("user not found")  # Owncast: 200, its UPDATE matches no row
    return ok(f"{user_id} enabled: {'true' if enabled else 'false'}")


async def user_details(user_id: str) -> Any:
    if await _current_user(moderator=True) is None:
        return unauthorized()
    try:
        return jsonify(await service().user_details(user_id))
    except NotFound:
        return Response("user not found", status=404, mimetype="text/plain")
