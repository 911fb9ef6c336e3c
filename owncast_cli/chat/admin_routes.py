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
from owncast_cli.chat.http import fail, json_body, ok, service
from owncast_cli.chat.moderation import NotFound
from owncast_cli.repos.users import API, AccessToken, ChatUser

MAX_TOKEN_NAME: Final = 64


def clients_payload() -> list[Payload]:
    """Owncast's connected-clients list (admin and integrations)."""
    chat = service()
    return [{"id": client.id, "connectedAt": format_timestamp(client.connected_at),
             "messageCount": client.message_count, "userAgent": client.user_agent,
             "ipAddress": client.ip, "geo": chat.core.geoip.lookup(client.ip), "user": user_payload(user)}
            for client, user in chat.clients()]


async def visibility() -> Any:
    """Hide or show messages (admin and integrations share this)."""
    body = await json_body('{"idArray": ["message id"], "visible": false}')
    if isinstance(body, Response):
        return body
    ids, visible = body.get("idArray"), body.get("visible")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
        return fail('expected {"idArray": [message ids], "visible": true or false}')
    found = await service().set_visibility(ids, visible)
    return ok(f"changed {len(found)} of {len(ids)} messages")


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
        return fail('expected {"userId": "...", "enabled": true or false}')
    try:
        await service().set_user_enabled(user_id, enabled)
    except NotFound:
        return fail(f"no chat user {user_id}", 404)
    return ok(f"{'enabled' if enabled else 'disabled'} user {user_id}")


def _users(found: tuple[int, list[ChatUser]]) -> list[Payload]:
    return [user_payload(user) for user in found[1]]


async def disabled_users() -> Any:
    return jsonify(_users(await service().users_page(disabled=True)))


async def set_moderator() -> Any:
    body = await json_body('{"userId": "...", "isModerator": true}')
    if isinstance(body, Response):
        return body
    user_id, flag = body.get("userId"), body.get("isModerator")
    if not isinstance(user_id, str) or not user_id or not isinstance(flag, bool):
        return fail('expected {"userId": "...", "isModerator": true or false}')
    try:
        await service().set_moderator(user_id, flag)
    except NotFound:
        return fail(f"no chat user {user_id}", 404)
    return ok(f"{'made' if flag else 'removed'} moderator {user_id}")


async def moderators() -> Any:
    return jsonify(_users(await service().users_page(moderators=True)))


async def ip_bans() -> Any:
    return jsonify([{"ipAddress": ban.ip_address, "notes": ban.notes, "createdAt": format_timestamp(ban.created_at)}
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
    return ok(f"IP address {ip} banned")


async def unban_ip() -> Any:
    ip = await _ip_value()
    if isinstance(ip, Response):
        return ip
    if not await service().unban_ip(ip):
        return fail(f"{ip} is not banned")
    return ok(f"IP address {ip} unbanned")


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
        return fail('expected {"userId": "..."}')
    try:
        await service().delete_user(user_id)
    except NotFound:
        return fail(f"no chat user {user_id}", 404)
    return ok(f"deleted user {user_id}")


def _token_payload(token: AccessToken) -> Payload:
    user = token.user
    payload: Payload = {"id": user.id, "accessToken": token.token, "displayName": user.display_name,
                        "displayColor": user.display_color, "scopes": list(user.scopes), "type": API,
                        "isBot": True, "createdAt": format_timestamp(user.created_at)}
    if token.last_used is not None:
        payload["lastUsedAt"] = format_timestamp(token.last_used)
    return payload


async def access_tokens() -> Any:
    return jsonify([_token_payload(t) for t in await service().access_tokens()])


def _scopes(value: Any) -> list[str] | str:
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        return "scopes must be a non-empty list, e.g. [\"CAN_SEND_MESSAGES\"]"
    unknown = [s for s in value if s not in adminauth.SCOPES]
    if unknown:
        return f"unknown scopes {', '.join(unknown)}; allowed: {', '.join(adminauth.SCOPES)}"
    return sorted(set(value))


async def create_access_token() -> Any:
    body = await json_body('{"name": "my bot", "scopes": ["CAN_SEND_MESSAGES"]}')
    if isinstance(body, Response):
        return body
    name, scopes = body.get("name"), _scopes(body.get("scopes"))
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_TOKEN_NAME:
        return fail(f"name must be a non-empty string of at most {MAX_TOKEN_NAME} characters")
    if isinstance(scopes, str):
        return fail(scopes)
    return jsonify(_token_payload(await service().create_token(name.strip(), scopes)))


async def delete_access_token() -> Any:
    body = await json_body('{"token": "..."}')
    if isinstance(body, Response):
        return body
    token = body.get("token")
    if not isinstance(token, str) or not token:
        return fail('expected {"token": "..."}')
    if not await service().revoke_token(token):
        return fail("no such access token")
    return ok("deleted token")
