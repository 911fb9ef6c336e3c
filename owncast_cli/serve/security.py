"""Response security headers: CSP with a per-request nonce, and the fixed ones."""

from __future__ import annotations

import secrets
from typing import Final

#: On every response.
BASE_HEADERS: Final[dict[str, str]] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
#: Pages that must not be framed by others (the viewer page); embeds may be framed anywhere.
NO_FRAMING: Final[dict[str, str]] = {"X-Frame-Options": "SAMEORIGIN"}


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
