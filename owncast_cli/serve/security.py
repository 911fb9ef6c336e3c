"""Response security headers (CSP with a per-request nonce) and the client address behind proxies."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable, Mapping
from typing import Final

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

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


def parse_networks(values: Iterable[str]) -> list[Network]:
    """Trusted proxy addresses or CIDR blocks; a bad entry raises ValueError naming it."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or CIDR block") from None
    return out


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, headers: Mapping[str, str], trusted: list[Network]) -> tuple[str, str]:
    """The viewer's (address, scheme-or-empty) honouring X-Forwarded-* from trusted proxies only.

    Walks ``X-Forwarded-For`` from the right while the hop is a trusted proxy, so a client cannot
    forge its address by sending the header itself. Unix-socket peers (a reverse proxy on this
    machine) have no address: they are trusted.

    Args:
        peer: the TCP peer address ("" for a Unix socket).
        headers: request headers, lower-case names.
        trusted: networks of trusted proxies (config ``trusted_proxies``).
    """
    if peer and (not trusted or not _trusted(peer, trusted)):
        return peer, ""
    forwarded = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    address = peer
    for hop in reversed(forwarded):
        address = hop
        if not _trusted(hop, trusted):
            break
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return address or "unix", proto if proto in ("http", "https") else ""
