"""IndieAuth as a client (sans-IO): the profile URL, endpoint discovery, the redirect, the answer.

The IndieAuth spec (indieauth.spec.indieweb.org): discover the server from the profile URL (an
HTTP ``Link`` header, then the HTML's ``<link rel>``; ``indieauth-metadata`` first, the older
``authorization_endpoint`` rel as the fallback), send the browser there with PKCE (S256) and a
state, then redeem the code at the authorization endpoint (profile only, no token is needed) and
check the ``me`` it returns. Owncast redeems at the authorization endpoint too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import mf2py

from owncast_cli.chat.auth import pkce

#: Owncast's lengths are not documented; a profile URL is a home page, never this long.
MAX_URL_LENGTH: Final = 2048
CALLBACK_PATH: Final = "/api/auth/indieauth/callback"
#: The answer to a failed callback, whatever went wrong (it must not tell an identity exists).
CALLBACK_FAILED: Final = 'Unable to complete authentication. <a href="/">Go back.</a><hr/>'


class SignInError(Exception):
    """A sign-in that cannot go on; the message is for the person signing in."""


@dataclass(frozen=True)
class AuthRequest:
    """One started sign-in, kept under its ``state`` until the callback (or its expiry)."""

    me: str  # the profile URL entered, normalised
    endpoint: str  # the authorization endpoint discovered
    client_id: str
    redirect_uri: str
    verifier: str
    state: str
    session: str  # the browser's sign-in cookie: the callback must come from the same browser
    user_id: str
    access_token: str
    display_name: str
    issuer: str | None = None  # from the server's metadata: the callback's ``iss`` must match it


def profile_url(text: str) -> str:
    """The profile URL a viewer typed, normalised (IndieAuth 3.2): https, a host, a path.

    Raises:
        SignInError: not a usable https URL.
    """
    text = text.strip()
    if not text:
        raise SignInError("Enter the address of your website.")
    if len(text) > MAX_URL_LENGTH:
        raise SignInError("That address is too long.")
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise SignInError("That is not a valid web address.") from None
    if parts.scheme.lower() != "https":
        raise SignInError("url must be https")  # Owncast's wording
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise SignInError("That is not a valid web address.")
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port not in (None, 443) else host
    return urlunsplit(("https", netloc, parts.path or "/", parts.query, ""))


def same_host(entered: str, returned: str) -> bool:
    """Whether the ``me`` a server returned is on the host (and port) the viewer entered, over
    https: a server may canonicalise the path, but may not vouch for another site."""
    try:
        a, b = urlsplit(entered), urlsplit(returned)
        return (b.scheme.lower() == "https" and bool(b.hostname)
                and (a.hostname or "").lower() == (b.hostname or "").lower() and (a.port or 443) == (b.port or 443))
    except ValueError:
        return False


_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,]+)*)')
_REL = re.compile(r'(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))', re.I)


def link_header_rels(values: list[str], base: str) -> dict[str, list[str]]:
    """URLs by rel from HTTP ``Link`` headers (RFC 8288), made absolute against ``base``."""
    rels: dict[str, list[str]] = {}
    for value in values:
        for match in _LINK.finditer(value):
            url, params = match.group(1).strip(), match.group(2)
            found = _REL.search(params)
            if found is None:
                continue
            for rel in (found.group(1) or found.group(2) or "").lower().split():
                rels.setdefault(rel, []).append(urljoin(base, url))
    return rels


def html_rels(html: str, base: str) -> dict[str, list[str]]:
    """URLs by rel from an HTML page's ``<link>`` and ``<a>`` elements (microformats rel parsing)."""
    parsed: dict[str, Any] = mf2py.parse(doc=html, url=base, metaformats=False)
    return {rel.lower(): list(urls) for rel, urls in parsed.get("rels", {}).items()}


@dataclass(frozen=True)
class Endpoints:
    """What the profile page points at: the metadata document and/or the authorization endpoint."""

    metadata: str | None
    authorization: str | None


def discover(base: str, link_headers: list[str], html: str | None) -> Endpoints:
    """The IndieAuth endpoints of a fetched profile page; Link headers win over the HTML.

    Raises:
        SignInError: the page names neither (Owncast: "url does not support indieauth").
    """
    sources = [link_header_rels(link_headers, base)]
    if html is not None:
        sources.append(html_rels(html, base))

    def first(rel: str) -> str | None:
        return next((urls[0] for rels in sources for urls in [rels.get(rel)] if urls), None)

    found = Endpoints(first("indieauth-metadata"), first("authorization_endpoint"))
    if found.metadata is None and found.authorization is None:
        raise SignInError("url does not support indieauth")
    return found


def metadata_endpoint(document: Any, base: str) -> tuple[str, str | None]:
    """(``authorization_endpoint``, ``issuer``) of an IndieAuth server metadata document
    (IndieAuth 4.1.1)."""
    endpoint = document.get("authorization_endpoint") if isinstance(document, dict) else None
    if not isinstance(endpoint, str) or not endpoint:
        raise SignInError("url does not support indieauth")
    issuer = document.get("issuer")
    return urljoin(base, endpoint), issuer if isinstance(issuer, str) and issuer else None


def issuer_matches(request: AuthRequest, iss: str) -> bool:
    """IndieAuth 5.2.1: when the server's metadata named an issuer, the callback's ``iss`` must
    be it (a code from another server cannot be slipped in)."""
    return request.issuer is None or pkce.same(request.issuer, iss)


def checked_endpoint(url: str) -> str:
    """An authorization endpoint must be an http(s) URL with a host and no fragment."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.fragment:
        raise SignInError("unable to find href value for authorization_endpoint")
    return url


def callback_url(server_url: str) -> str:
    """Where the IndieAuth server sends the browser back: ``<server_url>/api/auth/indieauth/callback``."""
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, CALLBACK_PATH, "", ""))


def authorization_url(request: AuthRequest, code_challenge: str) -> str:
    """The authorization endpoint with the request's parameters (IndieAuth 5.2), keeping any
    query the endpoint already has."""
    parts = urlsplit(request.endpoint)
    query = parse_qsl(parts.query, keep_blank_values=True) + [
        ("response_type", "code"), ("client_id", request.client_id), ("redirect_uri", request.redirect_uri),
        ("state", request.state), ("code_challenge", code_challenge), ("code_challenge_method", "S256"),
        ("me", request.me),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def redemption_form(request: AuthRequest, code: str) -> dict[str, str]:
    """The form that redeems the code (IndieAuth 5.3.1; Owncast sends the same fields)."""
    return {"grant_type": "authorization_code", "code": code, "client_id": request.client_id,
            "redirect_uri": request.redirect_uri, "code_verifier": request.verifier}


#: RFC 6749 5.2 error codes, in Owncast's words (makeIndieAuthClientErrorText).
_ERRORS: Final = {
    "invalid_request": "The authentication request was invalid. Please report this to the Owncast project.",
    "invalid_client": "The authentication request was invalid. Please report this to the Owncast project.",
    "invalid_grant": "This authorization request is unauthorized.",
    "unauthorized_client": "This authorization request is unauthorized.",
    "unsupported_grant_type": "The authorization grant type is not supported by the authorization server.",
}


def redeemed_me(request: AuthRequest, status: int, document: Any) -> str:
    """The profile URL a redemption answer vouches for, checked against the one entered.

    Raises:
        SignInError: an error answer, no ``me``, or a ``me`` on another host.
    """
    if not isinstance(document, dict):
        raise SignInError("unable to parse IndieAuth response")
    error = document.get("error")
    if error:
        raise SignInError(f"IndieAuth error: {_ERRORS.get(str(error), str(error))}")
    if not 200 <= status < 300:
        raise SignInError("there was an error authenticating against IndieAuth server")
    me = document.get("me")
    if not isinstance(me, str) or not same_host(request.me, me):
        raise SignInError("indieauth response does not match the initial anticipated auth destination")
    return profile_url(me)
