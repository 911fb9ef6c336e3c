"""The chat daemon's admin and integration routes: moderation, users, access tokens, bots.

They live with chat because they act on what only chat holds (connected clients, the user cache,
broadcasts). Serve dispatches ``/api/admin/chat/*``, ``/api/admin/users*``,
``/api/admin/accesstokens*`` and the chat integrations here (``serve/mounts.py``); the same guard
as serve's (:mod:`owncast_cli.adminauth`) checks Basic auth and bearer scopes.

Integration tokens are Owncast's model: a user of type ``API`` holding scopes, whose access token
is in ``user_access_tokens``; its chat messages are sent as that user (``isBot: true``).
"""

from __future__ import annotations

import ipaddress
import json
import time
from typing import TYPE_CHECKING, Any, Final

from quart import Response, g, jsonify, request

from owncast_cli import adminauth
from owncast_cli.bus.catalog import ChatUserUpdated
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.chat import store
from owncast_cli.chat.events import (
    ChatUser,
    EventType,
    action_event,
    chat_event,
    encode_event,
    format_timestamp,
    new_event_id,
    system_event,
    user_payload,
)
from owncast_cli.chat.names import random_display_color
from owncast_cli.chat.sanitize import render_chat_message, render_trusted_markdown
from owncast_cli.chat.service import NotFound

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.chat.service import ChatService
    from owncast_cli.db import Database

MODERATOR: Final = "MODERATOR"
#: Owncast's admin moderation history holds this many recent messages.
ADMIN_MESSAGES_LIMIT: Final = 1000
MAX_TOKEN_NAME: Final = 64
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


# --- answers ------------------------------------------------------------------------------------


def _ok(message: str) -> Response:
    return jsonify({"success": True, "message": message})


def _fail(message: str, status: int = 400) -> Response:
    response = jsonify({"success": False, "message": message})
    response.status_code = status
    return response


async def _body(example: str) -> dict[str, Any] | Response:
    try:
        value = await request.get_json(force=True)
    except Exception as exc:
        if getattr(exc, "code", None) == 413:
            # Close the connection: the unread rest of the body must not stall the next request.
            response = _fail("the request body is too large", 413)
            response.headers["Connection"] = "close"
            return response
        value = None
    if not isinstance(value, dict):
        return _fail(f"the body must be a JSON object such as {example}")
    return value


# --- queries ------------------------------------------------------------------------------------


def _users(db: Database, ids: list[str]) -> dict[str, ChatUser]:
    out = {}
    for user_id in dict.fromkeys(ids):
        user = store.user_by_id(db, user_id)
        if user is not None:
            out[user_id] = user
    return out


def admin_messages(db: Database, server_name: str) -> list[dict[str, Any]]:
    """Every recent message, hidden ones and those of disabled users included, oldest first."""
    rows = db.execute(
        "SELECT id, user_id, body, eventType, timestamp, hidden_at FROM messages "
        "ORDER BY timestamp DESC, rowid DESC LIMIT ?", (ADMIN_MESSAGES_LIMIT,))
    users = _users(db, [r[1] for r in rows if r[1]])
    out = []
    for message_id, user_id, body, kind, ts, hidden_at in reversed(rows):
        ident = lambda message_id=message_id: message_id  # noqa: E731 - the stored id
        user = users.get(user_id) if user_id else None
        if kind == EventType.CHAT and user is not None:
            payload = chat_event(user, body, now=ts, new_id=ident, visible=hidden_at is None)
            if hidden_at is not None:
                payload["hiddenAt"] = format_timestamp(hidden_at)
        elif kind == EventType.SYSTEM:
            payload = system_event(body, server_name, now=ts, new_id=ident)
        else:
            payload = action_event(body, server_name, now=ts, new_id=ident)
        out.append(payload)
    return out


def users_where(db: Database, where: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    ids = [r[0] for r in db.execute(f"SELECT id FROM users WHERE {where} ORDER BY created_at", params)]
    return [user_payload(u) for u in _users(db, ids).values()]


def paginated_users(db: Database, *, offset: int, limit: int, search: str, status: str,
                    newest_first: bool) -> dict[str, Any]:
    clauses, params = ["1 = 1"], []
    if search:
        clauses.append("instr(lower(display_name), lower(?)) > 0")
        params.append(search)
    if status == "active":
        clauses.append("disabled_at IS NULL AND type != 'API'")
    elif status == "bots":
        clauses.append("type = 'API'")
    where = " AND ".join(clauses)
    total = db.execute(f"SELECT COUNT(*) FROM users WHERE {where}", tuple(params))[0][0]
    order = "DESC" if newest_first else "ASC"
    ids = [r[0] for r in db.execute(
        f"SELECT id FROM users WHERE {where} ORDER BY created_at {order}, id LIMIT ? OFFSET ?",
        (*params, limit, offset))]
    users = _users(db, ids)
    return {"total": int(total), "results": [user_payload(users[i]) for i in ids if i in users]}


def ip_bans(db: Database) -> list[dict[str, Any]]:
    rows = db.execute("SELECT ip_address, notes, created_at FROM ip_bans ORDER BY created_at")
    return [{"ipAddress": ip, "notes": notes, "createdAt": format_timestamp(ts)} for ip, notes, ts in rows]


def _token_payload(row: tuple[Any, ...]) -> dict[str, Any]:
    user_id, token, name, color, scopes, created, last_used = row
    payload = {"id": user_id, "accessToken": token, "displayName": name, "displayColor": int(color),
               "scopes": json.loads(scopes or "[]"), "type": store.API, "isBot": True,
               "createdAt": format_timestamp(created)}
    if last_used is not None:
        payload["lastUsedAt"] = format_timestamp(last_used)
    return payload


_TOKEN_SELECT = ("SELECT u.id, t.token, u.display_name, u.display_color, u.scopes, u.created_at, u.last_used "
                 "FROM users u JOIN user_access_tokens t ON t.user_id = u.id "
                 "WHERE u.type = 'API' AND u.disabled_at IS NULL AND u.scopes != '[]'")


def access_tokens(db: Database) -> list[dict[str, Any]]:
    return [_token_payload(r) for r in db.execute(_TOKEN_SELECT + " ORDER BY u.created_at")]


def create_access_token(db: Database, name: str, scopes: list[str], color: int, now: float) -> dict[str, Any]:
    token, user_id = store.new_access_token(), new_event_id()
    store.create_user(db, user_id=user_id, name=name, color=color, token=token, now=now, bot=True)
    store.set_scopes(db, user_id, scopes)
    db.execute("UPDATE users SET last_used = NULL WHERE id = ?", (user_id,))  # never used yet
    return _token_payload(db.execute(_TOKEN_SELECT + " AND t.token = ?", (token,))[0])


def delete_access_token(db: Database, token: str, now: float) -> str | None:
    """Disable the token's API user and drop the token (Owncast); its id, or None if unknown."""
    rows = db.execute(_TOKEN_SELECT + " AND t.token = ?", (token,))
    if not rows:
        return None
    user_id = rows[0][0]
    db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (now, user_id))
    db.execute("DELETE FROM user_access_tokens WHERE user_id = ?", (user_id,))
    return str(user_id)


def delete_user(db: Database, user_id: str) -> bool:
    if store.user_by_id(db, user_id) is None:
        return False
    db.execute("DELETE FROM messages WHERE user_id = ?", (user_id,))
    db.execute("DELETE FROM user_access_tokens WHERE user_id = ?", (user_id,))
    db.execute("DELETE FROM users WHERE id = ?", (user_id,))
    return True


def _scopes(value: Any) -> list[str] | str:
    if not isinstance(value, list) or not value or not all(isinstance(s, str) for s in value):
        return "scopes must be a non-empty list, e.g. [\"CAN_SEND_MESSAGES\"]"
    unknown = [s for s in value if s not in adminauth.SCOPES]
    if unknown:
        return f"unknown scopes {', '.join(unknown)}; allowed: {', '.join(adminauth.SCOPES)}"
    return sorted(set(value))


# --- routes -------------------------------------------------------------------------------------


def register(app: QuartTrio, service: ChatService) -> None:
    db = service.db

    def client_ip() -> str:
        client = request.scope.get("client")
        headers = {k.decode("latin1").lower(): v.decode("latin1") for k, v in request.scope["headers"]}
        return service.client_address(client[0] if client else "", headers)

    def scheme() -> str:
        client = request.scope.get("client")
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https") and service.peer_trusted(client[0] if client else ""):
            return forwarded
        return str(request.scope.get("scheme") or "http")

    adminauth.install(app, db, client_address=client_ip, scheme=scheme, integration_scopes=integration_scope)

    def clients_payload(user_id: str | None = None) -> list[dict[str, Any]]:
        out = []
        for client in sorted(service.hub.clients.values(), key=lambda c: c.id):
            user = service.users.get(client.user_id)
            if user is None or (user_id is not None and client.user_id != user_id):
                continue
            out.append({"id": client.id, "connectedAt": format_timestamp(client.connected_at),
                        "messageCount": client.message_count, "userAgent": client.user_agent,
                        "ipAddress": client.ip, "geo": None, "user": user_payload(user)})
        return out

    async def visibility() -> Response:
        body = await _body('{"idArray": ["message id"], "visible": false}')
        if isinstance(body, Response):
            return body
        ids, visible = body.get("idArray"), body.get("visible")
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids) or not isinstance(visible, bool):
            return _fail('expected {"idArray": [message ids], "visible": true or false}')
        found = await service.set_visibility(ids, visible)
        return _ok(f"changed {len(found)} of {len(ids)} messages")

    # --- admin: chat moderation --------------------------------------------------------------

    @app.get("/api/admin/chat/clients")
    async def admin_chat_clients() -> Any:
        return jsonify(clients_payload())

    @app.get("/api/admin/chat/messages")
    async def admin_chat_messages() -> Any:
        return jsonify(await db.run(lambda: admin_messages(db, service.server_name)))

    @app.post("/api/admin/chat/messagevisibility")
    @app.post("/api/admin/chat/updatemessagevisibility")  # Owncast's legacy path
    async def admin_message_visibility() -> Any:
        return await visibility()

    @app.post("/api/admin/chat/users/setenabled")
    async def admin_set_enabled() -> Any:
        body = await _body('{"userId": "...", "enabled": false}')
        if isinstance(body, Response):
            return body
        user_id, enabled = body.get("userId"), body.get("enabled")
        if not isinstance(user_id, str) or not user_id or not isinstance(enabled, bool):
            return _fail('expected {"userId": "...", "enabled": true or false}')
        try:
            await service.set_user_enabled(user_id, enabled)
        except NotFound:
            return _fail(f"no chat user {user_id}", 404)
        return _ok(f"{'enabled' if enabled else 'disabled'} user {user_id}")

    @app.get("/api/admin/chat/users/disabled")
    async def admin_disabled_users() -> Any:
        return jsonify(await db.run(lambda: users_where(db, "disabled_at IS NOT NULL AND type != 'API'")))

    @app.post("/api/admin/chat/users/setmoderator")
    async def admin_set_moderator() -> Any:
        body = await _body('{"userId": "...", "isModerator": true}')
        if isinstance(body, Response):
            return body
        user_id, flag = body.get("userId"), body.get("isModerator")
        if not isinstance(user_id, str) or not user_id or not isinstance(flag, bool):
            return _fail('expected {"userId": "...", "isModerator": true or false}')
        found: list[bool] = []

        def effect() -> list[BusEvent]:
            user = store.user_by_id(db, user_id)
            found.append(user is not None)
            if user is None:
                return []
            scopes = set(user.scopes) | {MODERATOR} if flag else set(user.scopes) - {MODERATOR}
            store.set_scopes(db, user_id, scopes)
            return []

        # chat.user_updated makes the daemon re-read the user and re-send CONNECTED_USER_INFO.
        await service.bus.publish_many([ChatUserUpdated(user_id, moderator=flag)],
                                       effect=effect)
        if not found[0]:
            return _fail(f"no chat user {user_id}", 404)
        return _ok(f"{'made' if flag else 'removed'} moderator {user_id}")

    @app.get("/api/admin/chat/users/moderators")
    async def admin_moderators() -> Any:
        return jsonify(await db.run(lambda: users_where(db, "instr(scopes, ?) > 0", (f'"{MODERATOR}"',))))

    @app.get("/api/admin/chat/users/ipbans")
    async def admin_ip_bans() -> Any:
        return jsonify(await db.run(lambda: ip_bans(db)))

    async def ip_value() -> str | Response:
        body = await _body('{"value": "192.0.2.1"}')
        if isinstance(body, Response):
            return body
        value = body.get("value")
        try:
            return str(ipaddress.ip_address(value.strip() if isinstance(value, str) else ""))
        except ValueError:
            return _fail(f'expected {{"value": "an IP address"}} (got {value!r})')

    @app.post("/api/admin/chat/users/ipbans/create")
    async def admin_ban_ip() -> Any:
        ip = await ip_value()
        if isinstance(ip, Response):
            return ip
        now = time.time()
        await db.run_write(lambda: store.ban_ip(db, ip, "manually added", now))
        service.banned.add(ip)
        for client in list(service.hub.clients.values()):
            if client.ip == ip:
                client.kick("disabled")
        return _ok(f"IP address {ip} banned")

    @app.post("/api/admin/chat/users/ipbans/remove")
    async def admin_unban_ip() -> Any:
        ip = await ip_value()
        if isinstance(ip, Response):
            return ip

        def remove() -> bool:
            found = bool(db.execute("SELECT 1 FROM ip_bans WHERE ip_address = ?", (ip,)))
            db.execute("DELETE FROM ip_bans WHERE ip_address = ?", (ip,))
            return found

        if not await db.run_write(remove):
            return _fail(f"{ip} is not banned")
        service.banned.discard(ip)
        return _ok(f"IP address {ip} unbanned")

    # --- admin: users and access tokens ------------------------------------------------------

    @app.get("/api/admin/users")
    async def admin_users() -> Any:
        args = request.args
        try:
            offset, limit = int(args.get("offset", "0")), int(args.get("limit", "50"))
            if offset < 0 or not 1 <= limit <= 1000:
                raise ValueError
        except ValueError:
            return _fail("offset must be a non-negative integer and limit an integer from 1 to 1000")
        status, sort = args.get("status", "all"), args.get("sort", "desc")
        if status not in ("all", "active", "bots") or sort not in ("asc", "desc"):
            return _fail("status is one of all, active, bots; sort is asc or desc")
        search = args.get("search", "")
        return jsonify(await db.run(lambda: paginated_users(
            db, offset=offset, limit=limit, search=search, status=status, newest_first=sort == "desc")))

    @app.post("/api/admin/users/delete")
    async def admin_delete_user() -> Any:
        body = await _body('{"userId": "..."}')
        if isinstance(body, Response):
            return body
        user_id = body.get("userId")
        if not isinstance(user_id, str) or not user_id:
            return _fail('expected {"userId": "..."}')
        if not await db.run_write(lambda: delete_user(db, user_id)):
            return _fail(f"no chat user {user_id}", 404)
        for client in service.hub.user_clients(user_id):
            client.kick("disabled")
        service.users.pop(user_id, None)
        for token in [t for t, u in service.tokens.items() if u == user_id]:
            del service.tokens[token]
        return _ok(f"deleted user {user_id}")

    @app.get("/api/admin/accesstokens")
    async def admin_access_tokens() -> Any:
        return jsonify(await db.run(lambda: access_tokens(db)))

    @app.post("/api/admin/accesstokens/create")
    async def admin_create_access_token() -> Any:
        body = await _body('{"name": "my bot", "scopes": ["CAN_SEND_MESSAGES"]}')
        if isinstance(body, Response):
            return body
        name, scopes = body.get("name"), _scopes(body.get("scopes"))
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_TOKEN_NAME:
            return _fail(f"name must be a non-empty string of at most {MAX_TOKEN_NAME} characters")
        if isinstance(scopes, str):
            return _fail(scopes)
        color, now = random_display_color(service.rng), time.time()
        return jsonify(await db.run_write(lambda: create_access_token(db, name.strip(), scopes, color, now)))

    @app.post("/api/admin/accesstokens/delete")
    async def admin_delete_access_token() -> Any:
        body = await _body('{"token": "..."}')
        if isinstance(body, Response):
            return body
        token = body.get("token")
        if not isinstance(token, str) or not token:
            return _fail('expected {"token": "..."}')
        now = time.time()
        user_id = await db.run_write(lambda: delete_access_token(db, token, now))
        if user_id is None:
            return _fail("no such access token")
        service.tokens.pop(token, None)
        service.users.pop(user_id, None)
        return _ok("deleted token")

    # --- integrations (bearer tokens) --------------------------------------------------------

    async def message_body() -> str | Response:
        body = await _body('{"body": "text"}')
        if isinstance(body, Response):
            return body
        text = body.get("body")
        if not isinstance(text, str) or not text.strip():
            return _fail('expected {"body": "a non-empty message"}')
        if len(text.encode()) > MAX_MESSAGE:
            return _fail(f"the message is longer than {MAX_MESSAGE} bytes")
        return text

    # OPTIONS preflights are answered by the guard (204 with CORS, no token needed).

    @app.route("/api/integrations/chat/send", methods=["POST"])
    async def integration_send() -> Any:
        text = await message_body()
        if isinstance(text, Response):
            return text
        user_id = g.integration.user_id
        user = await db.run(lambda: store.user_by_id(db, user_id))
        if user is None:
            return Response("unauthorized", status=401, mimetype="text/plain")
        service.users[user.id] = user
        rendered = render_chat_message(text, service.emoji)
        if rendered is None:
            return _fail("the message is empty once rendered")
        service._broadcast_message(user, rendered, text, time.time(), client_id=None)
        return _ok("sent")

    @app.route("/api/integrations/chat/user", methods=["POST"])
    async def integration_user_message() -> Any:
        return _fail("no longer supported. see /api/integrations/chat/send")

    @app.route("/api/integrations/chat/system", methods=["POST"])
    async def integration_system() -> Any:
        text = await message_body()
        if isinstance(text, Response):
            return text
        service.announce(EventType.SYSTEM, text)
        return _ok("sent")

    @app.route("/api/integrations/chat/system/client/<client_id>", methods=["POST"])
    async def integration_system_to_client(client_id: str) -> Any:
        if not client_id.isdigit():
            return _fail(f"the client id must be an integer (got {client_id!r})")
        text = await message_body()
        if isinstance(text, Response):
            return text
        client = service.hub.clients.get(int(client_id))
        if client is None:
            return _fail(f"no connected chat client {client_id}", 404)
        body = render_trusted_markdown(text).strip()
        service.hub.offer(client, encode_event(system_event(body, service.server_name, now=time.time())))
        return _ok("sent")

    @app.route("/api/integrations/chat/action", methods=["POST"])
    async def integration_action() -> Any:
        text = await message_body()
        if isinstance(text, Response):
            return text
        service.announce(EventType.CHAT_ACTION, text)
        return _ok("sent")

    @app.route("/api/integrations/chat/messagevisibility", methods=["POST"])
    async def integration_visibility() -> Any:
        return await visibility()

    @app.route("/api/integrations/chat", methods=["GET"])
    async def integration_history() -> Any:
        return jsonify(await service.history())

    @app.route("/api/integrations/clients", methods=["GET"])
    async def integration_clients() -> Any:
        return jsonify(clients_payload())

    @app.route("/api/integrations/moderation/chat/user/<user_id>", methods=["GET"])
    async def integration_user_details(user_id: str) -> Any:
        try:
            return jsonify(await service.user_details(user_id))
        except NotFound:
            return _fail(f"no chat user {user_id}", 404)
