"""Owncast as an IndieAuth server for its admin (sans-IO): check a request, issue a code, redeem it.

The admin signs in to IndieWeb sites with the server's URL: the site sends the browser to
``GET /api/auth/provider/indieauth`` (behind admin Basic auth), which redirects back with a code;
the site then redeems it with its PKCE verifier (``POST``) and learns ``me``, the server's URL.
Owncast's auth/indieauth/server.go, plus the checks the IndieAuth spec asks of a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from owncast_cli.chat.auth import pkce


class ProviderError(Exception):
    """A request or redemption this server refuses; the message is the OAuth error description."""


@dataclass(frozen=True)
class Grant:
    """An issued code, until redeemed (once) or expired."""

    client_id: str
    redirect_uri: str
    challenge: str


def _url(value: str) -> Any:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        return None
    return parts


def check_request(args: dict[str, str]) -> str | None:
    """Why an authorization request cannot be granted (an ``invalid_request`` description), or None.

    IndieAuth 4.2.2 and 5.2: client_id and redirect_uri are http(s) URLs and the redirect goes
    back to the client's own host (we do not fetch the client's page for other allowed ones);
    PKCE is required, with S256.
    """
    client, redirect = _url(args.get("client_id", "")), _url(args.get("redirect_uri", ""))
    if client is None or redirect is None:
        return "client_id and redirect_uri must be http(s) URLs"
    if (client.hostname, client.port) != (redirect.hostname, redirect.port):
        return "redirect_uri must be on the host of client_id"
    if args.get("response_type", "code") not in ("code", "id"):
        return "response_type must be code"
    if not args.get("code_challenge") or args.get("code_challenge_method", "S256") != "S256":
        return "a code_challenge with code_challenge_method S256 is required"
    if not args.get("state"):
        return "state is required"
    return None


def redirect_with_code(redirect_uri: str, code: str, state: str, issuer: str) -> str:
    """The client's redirect_uri with ``code``, ``state`` and ``iss`` (IndieAuth 5.2.1) added."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + [("code", code), ("state", state), ("iss", issuer)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def check_redemption(grant: Grant | None, *, client_id: str, redirect_uri: str, verifier: str) -> str | None:
    """Why a code cannot be redeemed (Owncast's wording), or None when it can."""
    if grant is None:
        return "no pending authentication request"
    if not pkce.same(grant.redirect_uri, redirect_uri):
        return "redirect URI does not match"
    if not pkce.same(grant.client_id, client_id):
        return "client ID does not match"
    if not pkce.verifier_matches(verifier, grant.challenge):
        return "code verifier is incorrect"
    return None


def profile(server_url: str, server_name: str) -> dict[str, Any]:
    """The answer to a redeemed code: ``me`` is this server (Owncast's ServerProfileResponse)."""
    base = server_url.rstrip("/")
    return {"me": base + "/", "profile": {"name": server_name, "url": base + "/", "photo": base + "/logo"}}
