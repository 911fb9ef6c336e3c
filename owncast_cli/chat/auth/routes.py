"""Owncast's ``/api/auth/*`` routes: IndieAuth and fediverse sign-in for chat users."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from quart import Response, jsonify, redirect, request

from owncast_cli.chat.auth import pkce
from owncast_cli.chat.auth.indieauth import CALLBACK_FAILED, SignInError
from owncast_cli.chat.auth.indieauth_flow import PENDING_SECONDS
from owncast_cli.chat.auth.limits import retry_after
from owncast_cli.chat.auth.otp import CODE_REFUSED
from owncast_cli.chat.auth.pending import TooManyPending
from owncast_cli.chat.auth.provider import ProviderError
from owncast_cli.chat.http import (
    client_ip,
    current_user,
    fail,
    ok,
    optional_json_object,
    scheme,
    service,
    unauthorized,
)

if TYPE_CHECKING:
    from owncast_cli.chat.auth.signin import SignIn
    from owncast_cli.repos.users import ChatUser

logger = logging.getLogger("owncast.chat.auth")

#: The browser's sign-in session: the callback must come back to the browser that started it.
SESSION_COOKIE: Final = "owncast_signin"
SESSION_PATH: Final = "/api/auth/indieauth"


def signin() -> SignIn:
    return service().signin


def too_many(wait: float) -> Response:
    response = fail("Too many sign-in attempts. Please wait a moment and try again.", 429)
    response.headers["Retry-After"] = retry_after(wait)
    return response


async def _start() -> tuple[dict[str, Any], ChatUser] | Response:
    """What both start routes check first: the body (read first: an unread body can stall the
    connection), the chat user, then the per-address start rate. A response refuses."""
    body = await optional_json_object()
    user = await current_user()
    if user is None:
        return unauthorized()
    wait = signin().start_allowed(client_ip())
    if wait:
        return too_many(wait)
    return body or {}, user


async def indieauth_start() -> Any:
    started = await _start()
    if not isinstance(started, tuple):
        return started
    body, user = started
    auth_host = body.get("authHost")
    if not isinstance(auth_host, str):
        return fail('expected {"authHost": "https://your.website/"}')
    session = request.cookies.get(SESSION_COOKIE) or pkce.new_secret()
    try:
        url = await signin().indieauth.start(user, request.args["accessToken"], auth_host, session)
    except (SignInError, TooManyPending) as exc:
        return fail(str(exc))
    response = jsonify({"redirect": url})
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(SESSION_COOKIE, session, max_age=int(PENDING_SECONDS), path=SESSION_PATH,
                        httponly=True, samesite="Lax", secure=scheme() == "https")
    return response


async def indieauth_callback() -> Any:
    args = request.args
    try:
        await signin().indieauth.finish(request.cookies.get(SESSION_COOKIE, ""), args.get("state", ""),
                                        args.get("code", ""), args.get("iss", ""))
    except SignInError as exc:
        # The viewer learns only that it failed: nothing that tells whether an identity exists.
        logger.info("IndieAuth sign-in failed: %s", exc)
        return Response(CALLBACK_FAILED, status=400, mimetype="text/html")
    response = redirect("/", 307)
    response.delete_cookie(SESSION_COOKIE, path=SESSION_PATH)
    return response


async def fediverse_start() -> Any:
    started = await _start()
    if not isinstance(started, tuple):
        return started
    body, user = started
    account = body.get("account")
    if not isinstance(account, str):
        return fail('expected {"account": "@you@server.example"}')
    try:
        await signin().fediverse.request_code(user, request.args["accessToken"], account)
    except (SignInError, TooManyPending) as exc:
        return fail(str(exc))
    return ok("")


async def fediverse_verify() -> Any:
    body = await optional_json_object()
    wait = signin().verify_allowed(client_ip())
    if wait:
        return too_many(wait)
    code = (body or {}).get("code")
    if not isinstance(code, str):
        return fail("Could not decode request: code is required")  # Owncast's wording
    if await current_user() is None:
        return fail(CODE_REFUSED)
    try:
        await signin().fediverse.verify(request.args["accessToken"], code)
    except SignInError as exc:
        return fail(str(exc))
    return ok("")


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    response = jsonify({"error": error, "error_description": description})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


async def provider_authorize() -> Any:
    """GET (admin Basic auth, checked by adminauth's guard): grant at once, back with a code."""
    try:
        return redirect(signin().provider_grant(dict(request.args.items())), 307)
    except ProviderError as exc:
        return _oauth_error("invalid_request", str(exc))
    except TooManyPending as exc:
        return Response(str(exc), status=500, mimetype="text/plain")  # Owncast's status for it


async def provider_redeem() -> Any:
    """POST (no auth): the client redeems the code with its PKCE verifier; ``me`` is this server."""
    try:
        answer = signin().provider_redeem(dict((await request.form).items()))
    except ProviderError as exc:
        return _oauth_error("invalid_grant", str(exc))
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response
