"""Which requests are the admin's, and what a browser must send them with (sans-IO rules).

The admin's Basic credentials are cached by browsers, so a page on another site could make one
send them: the Origin must be this server, and a browser's POST must carry JSON, which no HTML
form can send. ``adminauth`` applies these rules before checking the password.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

#: The one state-changing method a cross-site form or no-cors fetch can send: it must send JSON.
STATE_CHANGING: Final = frozenset({"POST"})
#: Owncast's admin uploads the favicon as a multipart form file.
MULTIPART_ROUTES: Final = frozenset({"/api/admin/config/favicon"})


def is_admin_path(path: str, method: str = "GET") -> bool:
    """Paths behind the admin's Basic auth: the admin API, the dashboard's pages, and the GET of
    Owncast's IndieAuth provider (it grants as the admin)."""
    if path == "/api/auth/provider/indieauth":
        return method in ("GET", "HEAD")
    return path.startswith(("/api/admin/", "/admin/")) or path == "/api/admin"


def content_type_allowed(method: str, path: str, content_type: str | None, origin: str | None,
                         fetch_site: str | None = None) -> bool:
    """Whether an admin request's Content-Type is one a cross-site HTML form cannot send.

    Only browsers are held to it: they send ``Origin`` (already checked to be this server when
    present) or ``Sec-Fetch-Site`` with every POST, and a form is the one way a cross-site page
    can make a browser send cached Basic credentials. Scripts and bots written for Owncast (its
    docs post with ``curl -d``, no JSON type) send neither and are served as Owncast serves them.
    """
    if method not in STATE_CHANGING or not path.startswith("/api/") or not (origin or fetch_site):
        return True
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind == "application/json":
        return True
    return kind == "multipart/form-data" and path in MULTIPART_ROUTES and bool(origin)


def origin_allowed(origin: str | None, host: str, scheme: str) -> bool:
    """Whether a request's ``Origin`` (if any) is this server itself.

    Args:
        origin: the Origin header, or None.
        host: the Host header the request was sent to.
        scheme: "http" or "https" as the client sees it (X-Forwarded-Proto from a trusted proxy).
    """
    if not origin:
        return True
    parts = urlsplit(origin)
    if (not parts.scheme or not parts.netloc or parts.username or parts.password
            or parts.path or parts.query or parts.fragment):
        return False
    return parts.scheme.lower() == scheme.lower() and parts.netloc.lower() == host.lower()
