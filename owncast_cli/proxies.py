"""The client's address behind reverse proxies: X-Forwarded-* is believed from trusted proxies only."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """Trusted proxy addresses or CIDR blocks (config ``trusted_proxies``); a bad entry raises
    ValueError naming it (the config validator refuses them first)."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(str(value), strict=False))
        except ValueError:
            raise ValueError(f"{value!r} is not an IP address or CIDR block") from None
    return out


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # A dual-stack listener sees an IPv4 peer as ::ffff:a.b.c.d; judge it by its IPv4 address.
    mapped = getattr(ip, "ipv4_mapped", None)
    return any(ip in net or (mapped is not None and mapped in net) for net in networks)


def peer_trusted(peer: str, networks: list[Network]) -> bool:
    """Whether headers set by ``peer`` are believed: a Unix socket ("") or a trusted proxy."""
    return not peer or _trusted(peer, networks)


def client_address(peer: str, headers: Mapping[str, str], trusted: list[Network]) -> tuple[str, str]:
    """The client's (address, forwarded scheme or "").

    Walks ``X-Forwarded-For`` from the right while the hop is a trusted proxy, so a client cannot
    choose its address (and dodge an IP ban) by sending the header itself. A Unix-socket peer ("")
    is a proxy on this machine (serve in front of chat, or a local reverse proxy): trusted.

    Args:
        peer: the TCP peer address, "" for a Unix socket.
        headers: request headers with lower-case names.
        trusted: networks whose forwarded headers are believed.
    """
    if peer and not _trusted(peer, trusted):
        return peer, ""
    forwarded = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    address = peer
    for hop in reversed(forwarded):
        address = hop
        if not _trusted(hop, trusted):
            break
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return address or "unix", proto if proto in ("http", "https") else ""
