"""Response security headers: CSP with a per-request nonce, and the fixed ones."""

from __future__ import annotations

import secrets
from typing import Final

from hypercorn.config import Config

#: On every response: hypercorn adds them (:class:`ServerConfig`), the HLS fast lane writes them.
BASE_HEADERS: Final[dict[str, str]] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
_BASE_RAW: Final = [(name.lower().encode("ascii"), value.encode("ascii")) for name, value in BASE_HEADERS.items()]
#: Images from data/ (the uploaded logo, emoji and favicon; thumbnails): opened directly they are
#: documents on our origin, so they run in a sandbox (no scripts, no forms, an opaque origin),
#: whatever an SVG holds. data/public is not included: nothing uploads there, the operator puts
#: files in it (HTML pages that embed the player among them).
SANDBOX: Final[dict[str, str]] = {"Content-Security-Policy": "sandbox"}
#: Pages that must not be framed by others (the viewer page); embeds may be framed anywhere.
NO_FRAMING: Final[dict[str, str]] = {"X-Frame-Options": "SAMEORIGIN"}


class ServerConfig(Config):
    """hypercorn's Config with :data:`BASE_HEADERS` in ``response_headers``.

    hypercorn appends these to every response it writes: the app's, a mounted daemon's, a proxied
    one, and its own (400 for a malformed request, 500 when an app fails), so no route or error
    path can leave them out. Apps must not set them again (they would appear twice).
    """

    def response_headers(self, protocol: str) -> list[tuple[bytes, bytes]]:
        return [*super().response_headers(protocol), *_BASE_RAW]


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def page_csp(nonce: str, *, embed: bool = False) -> str:
    """The Content-Security-Policy of our HTML pages.

    Scripts need the nonce (the inline bootstrap JSON and our files carry it) or come from this
    origin (the admin's custom JavaScript is served from ``/customjavascript``). Styles allow
    ``'unsafe-inline'`` because the admin's custom CSS is inlined. Media and images may come from
    anywhere: HLS can be served from S3 or a CDN, and page content links images.
    """
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https: http:",
        "media-src 'self' blob: https: http:",
        "connect-src 'self' ws: wss: https: http:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors *" if embed else "frame-ancestors 'self'",
    ]
    return "; ".join(directives)
