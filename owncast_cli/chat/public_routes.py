"""Chat routes for chat users and moderators (their access token): Owncast's ``/api/chat*`` shapes."""

from __future__ import annotations

from typing import Any

from quart import Response, jsonify, request

from owncast_cli.chat.http import (
    current_user,
    fail,
    headers_of,
    ok,
    optional_json_object,
    peer,
    service,
    unauthorized,
)
from owncast_cli.chat.moderation import NotFound

#: A proxy's user name longer than this is cut (it is an identity key, not free text).
MAX_FORWARDED_USER = 255


async def register() -> Any:
    if request.method == "OPTIONS":
        return Response("", status=204, headers={"Access-Control-Allow-Origin": "*"})
    # Owncast's RegisterAnonymousChatUser ignores a body it cannot decode and registers anyway.
    body = await optional_json_object() or {}
    requested = body.get("displayName")
    if not isinstance(requested, str):
        requested = None
    chat, headers = service(), headers_of(request.scope)
    # As Owncast, X-Forwarded-User suggests the name whoever sends it; from a trusted proxy, when
    # the admin says that proxy authenticates, it also names the identity.
    forwarded = headers.get("x-forwarded-user", "").strip()[:MAX_FORWARDED_USER] or None
    answer = await chat.register(forwarded_user=forwarded, requested=requested,
                                 proxy_authenticated=chat.proxy_signs_in(peer(), headers))
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


async def history() -> Any:
    if await current_user(moderator=False) is None:
        return unauthorized()
    response = jsonify(await service().history())
    response.headers["Cache-Control"] = "no-store"
    return response


async def message_visibility() -> Any:
    # Read the body before answering: a refused request whose body is left unread can stall
    # the next request on the same keep-alive connection.
    body = await optional_json_object() or {}
    if await current_user(moderator=True) is None:
        return unauthorized()
    ids, visible = body.get("idArray"), body.get("visible")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
        return fail("missing required fields: idArray and visible are required")
    await service().set_visibility(ids, visible)
    return ok("changed")


async def set_enabled() -> Any:
    body = await optional_json_object() or {}
    if await current_user(moderator=True) is None:
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
    if await current_user(moderator=True) is None:
        return unauthorized()
    try:
        return jsonify(await service().user_details(user_id))
    except NotFound:
        return Response("user not found", status=404, mimetype="text/plain")
