"""Chat admin routes (Basic auth, checked by :mod:`owncast_cli.adminauth`): moderation, users, tokens.

They live with chat because they act on what only chat holds (connected clients, the user cache,
broadcasts); serve dispatches ``/api/admin/chat/*``, ``/api/admin/users*`` and
``/api/admin/accesstokens*`` here (``serve/mounts.py``).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Final

from quart import Response, jsonify, request

from owncast_cli import adminauth
from owncast_cli.chat.events import Payload, format_timestamp, user_payload
from owncast_cli.chat.http import error, fail, json_body, ok, service
from owncast_cli.chat.moderation import NotFound
from owncast_cli.repos.users import AccessToken, ChatUser

MAX_TOKEN_NAME: Final = 64


def clients_payload() -> list[Payload]:
    """Owncast's connected-clients list (admin and integrations): its Client struct's fields in
    order (services/chat/chatclient.go), then ours: the id (for /api/integrations/chat/system/
    client/{id}) and the address (for an IP ban), which Owncast keeps out of the JSON."""
    chat = service()
    return [{"connectedAt": format_timestamp(client.connected_at), "user": user_payload(user),
             "geo": chat.core.geoip.lookup(client.ip), "userAgent": client.user_agent,
             "messageCount": client.message_count, "id": client.id, "ipAddress": client.ip}
            for client, user in chat.clients()]


async def visibility() -> Any:
    """Hide or show messages (admin and integrations share this)."""
    body = await json_body('{"idArray": ["message id"], "visible": false}')
    if isinstance(body, Response):
        return body
    ids, visible = body.get("idArray"), body.get("visible")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
        return fail("missing required fields: idArray and visible are required")
    await service().set_visibility(ids, visible)
    return ok("changed")


async def chat_clients() -> Any:
    return jsonify(clients_payload())


async def chat_messages() -> Any:
    return jsonify(await service().admin_messages())


async def set_enabled() -> Any:
    body = await json_body('{"userId": "...", "enabled": false}')
    if isinstance(body, Response):
        return body
    user_id, enabled = body.get("userId"), body.get("enabled")
    if not isinstance(user_id, str) or not user_id or not isinstance(enabled, bool):
        return fail("must provide userId and enabled state")
    try:
        await service().set_user_enabled(user_id, enabled)
    except NotFound:
        # Owncast answers 200 for a user that does not exist (its UPDATE matches no row).
        return fail("user not found")
    return ok(f"{user_id} enabled: {_go_bool(enabled)}")


def _go_bool(flag: bool) -> str:
    return "true" if flag else "false"


def _users(found: tuple[int, list[ChatUser]]) -> list[Payload]:
    return [user_payload(user) for user in found[1]]


async def disabled_users() -> Any:
    # Owncast's GetDisabledUsers sorts by the time each was disabled, earliest first.
    total, found = await service().users_page(disabled=True)
    return jsonify(_users((total, sorted(found, key=lambda user: user.disabled_at or 0.0))))


async def set_moderator() -> Any:
    body = await json_body('{"userId": "...", "isModerator": true}')
    if isinstance(body, Response):
        return body
    user_id, flag = body.get("userId"), body.get("isModerator")
    if not isinstance(user_id, str) or not user_id or not isinstance(flag, bool):
        return fail("must provide userId and isModerator")
    try:
        await service().set_moderator(user_id, flag)
    except NotFound:
        return fail("user not found when modifying scope")
    return ok(f"{user_id} is moderator: {_go_bool(flag)}")


async def moderators() -> Any:
    return jsonify(_users(await service().users_page(moderators=True)))


async def ip_bans() -> Any:
    # models.IPAddress's field order.
    return jsonify([{"createdAt": format_timestamp(ban.created_at), "ipAddress": ban.ip_address, "notes": ban.notes}
                    for ban in await service().ip_bans()])


async def _ip_value() -> str | Response:
    body = await json_body('{"value": "192.0.2.1"}')
    if isinstance(body, Response):
        return body
    value = body.get("value")
    try:
        return str(ipaddress.ip_address(value.strip() if isinstance(value, str) else ""))
    except ValueError:
        return fail(f'expected {{"value": "an IP address"}} (got {value!r})')


async def ban_ip() -> Any:
    ip = await _ip_value()
    if isinstance(ip, Response):
        return ip
    await service().ban_ip(ip)
    return ok("IP address banned")


async def unban_ip() -> Any:
    ip = await _ip_value()
    if isinstance(ip, Response):
        return ip
    # As Owncast: lifting a ban that is not there is not an error.
    await service().unban_ip(ip)
    return ok("IP address unbanned")


def _int_or(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


async def users() -> Any:
    args = request.args
    # As Owncast's GetUsers: what does not parse is ignored, a limit <= 0 means 50. A page holds
    # at most 1000 users here (Owncast has no ceiling) so one request stays bounded.
    offset = max(0, _int_or(args.get("offset"), 0))
    limit = _int_or(args.get("limit"), 50)
    limit = 50 if limit <= 0 else min(limit, 1000)
    status, sort = args.get("status", "all"), args.get("sort", "desc")
    if status not in ("all", "active", "bots") or sort not in ("asc", "desc"):
        return fail("status is one of all, active, bots; sort is asc or desc")
    total, page = await service().users_page(search=args.get("search", ""), status=status,
                                             newest_first=sort == "desc", offset=offset, limit=limit)
    return jsonify({"total": total, "results": [user_payload(user) for user in page]})


async def delete_user() -> Any:
    body = await json_body('{"userId": "..."}')
    if isinstance(body, Response):
        return body
    user_id = body.get("userId")
    if not isinstance(user_id, str) or not user_id:
        return fail("must provide userId")
    try:
        await service().delete_user(user_id)
    except NotFound:
        return fail("user not found")
    return ok("user deleted")


def _token_payload(token: AccessToken) -> Payload:
    """models.ExternalAPIUser, fields in its order (Owncast leaves ``type`` unset: omitted)."""
    user = token.user
    payload: Payload = {"createdAt": format_timestamp(user.created_at)}
    if token.last_used is not None:
        payload["lastUsedAt"] = format_timestamp(token.last_used)
    return payload | {"id": user.id, "accessToken": token.token, "displayName": user.display_name,
                      "scopes": list(user.scopes), "displayColor": user.display_color, "isBot": True}


async def access_tokens() -> Any:
    return jsonify([_token_payload(t) for t in await service().access_tokens()])


async def _token_body(example: str) -> dict[str, Any] | Response:
    body = await json_body(example)
    if isinstance(body, Response) and body.status_code == 400:
        return error(f"the body must be a JSON object such as {example}")
    return body


def _scopes(value: Any) -> list[str] | str:
    """The scopes as sent (order kept, as Owncast stores them), or why they are refused."""
    if value is None:
        return "scopes field is required"
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        return 'scopes must be a list of strings, e.g. ["CAN_SEND_MESSAGES"]'
    if any(s not in adminauth.SCOPES for s in value):
        return "one or more invalid scopes provided"
    if not value:  # Owncast takes [] and makes a token that can do nothing
        return f"scopes must hold at least one of {', '.join(adminauth.SCOPES)}"
    return list(value)


async def create_access_token() -> Any:
    body = await _token_body('{"name": "my bot", "scopes": ["CAN_SEND_MESSAGES"]}')
    if isinstance(body, Response):
        return body
    name, scopes = body.get("name"), _scopes(body.get("scopes"))
    if isinstance(scopes, str):
        return error(scopes)
    if name is None:
        return error("name field is required")
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_TOKEN_NAME:
        return error(f"name must be a non-empty string of at most {MAX_TOKEN_NAME} characters")
    return jsonify(_token_payload(await service().create_token(name.strip(), scopes)))


async def delete_access_token() -> Any:
    body = await _token_body('{"token": "..."}')
    if isinstance(body, Response):
        return body
    token = body.get("token")
    if token is None:
        return error("token field is required")
    if not isinstance(token, str) or not token:
        return error("must provide a token")
    if not await service().revoke_token(token):
        # Owncast writes this with status 200 (InternalErrorHandler sets none), a defect: 400 here.
        return error(f"{token} not found")
    return ok("deleted token")
