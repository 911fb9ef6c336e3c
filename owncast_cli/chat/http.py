"""Helpers every chat route shares: the service of the app, Owncast's answers, request bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quart import Response, current_app, request

from owncast_cli.simpleresponse import error, fail, ok  # noqa: F401  (re-exported to the routes)

if TYPE_CHECKING:
    from owncast_cli.chat.service import ChatService
    from owncast_cli.repos.users import ChatUser

#: Where create_app keeps the service in ``app.extensions``.
EXTENSION = "owncast_chat"


def service() -> ChatService:
    """The chat service of the app handling the current request."""
    return current_app.extensions[EXTENSION]


def unauthorized() -> Response:
    return Response("unauthorized", status=401, mimetype="text/plain")


def headers_of(scope: Mapping[str, Any]) -> dict[str, str]:
    return {k.decode("latin1").lower(): v.decode("latin1") for k, v in scope["headers"]}


def peer() -> str:
    client = request.scope.get("client")
    return client[0] if client else ""


def client_ip() -> str:
    """The caller's address (from X-Forwarded-For only behind a trusted proxy)."""
    return service().client_address(peer(), headers_of(request.scope))


async def current_user(*, moderator: bool = False) -> ChatUser | None:
    """The enabled user of ``?accessToken=`` (a moderator if asked), from an address not banned."""
    token = request.args.get("accessToken", "")
    chat = service()
    user = await chat.user_for_token(token) if token else None
    if user is None or user.disabled_at is not None:
        return None
    if moderator and not user.is_moderator:
        # Made a moderator by the admin API a moment ago? The news reaches this cache over the bus
        # a little later; Owncast applies it at once, so ask the database before refusing.
        user = await chat.reread_user(user.id)
        if user is None or user.disabled_at is not None or not user.is_moderator:
            return None
    if chat.is_banned(client_ip()):
        return None
    return user


def scheme() -> str:
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    if forwarded in ("http", "https") and service().peer_trusted(peer()):
        return forwarded
    return str(request.scope.get("scheme") or "http")


async def json_body(example: str) -> dict[str, Any] | Response:
    """The request's JSON object, or the answer that refuses it (400, or 413 when too large)."""
    try:
        value = await request.get_json(force=True)
    except Exception as exc:
        if getattr(exc, "code", None) == 413:
            # Close the connection: the unread rest of the body must not stall the next request.
            response = fail("the request body is too large", 413)
            response.headers["Connection"] = "close"
            return response
        value = None
    if not isinstance(value, dict):
        return fail(f"the body must be a JSON object such as {example}")
    return value


async def optional_json_object() -> dict[str, Any] | None:
    """An empty body as {}, a JSON object as itself, anything else (not UTF-8 included) as None."""
    body = await request.get_data()
    if not body.strip():
        return {}
    try:
        value = await request.get_json(force=True)
    except Exception:
        return None
    return value if isinstance(value, dict) else None
