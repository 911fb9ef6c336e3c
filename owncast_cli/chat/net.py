"""The chatter's address: X-Forwarded-For is honoured only from trusted proxies (config ``trusted_proxies``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> list[Network]:
    """Networks from IP or CIDR strings; entries that do not parse are skipped (the config
    validator already refused them)."""
    networks: list[Network] = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(str(value), strict=False))
        except ValueError:
            continue
    return networks


def peer_trusted(peer: str, networks: list[Network]) -> bool:
    """Whether headers set by ``peer`` are believed: a Unix socket ("") or a trusted proxy."""
    return not peer or _trusted(peer, networks)


def _trusted(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def client_address(peer: str, headers: Mapping[str, str], trusted: list[Network]) -> str:
    """The client's IP address. Walks ``X-Forwarded-For`` from the right while the hop is a
    trusted proxy, so a client cannot choose its address (and dodge an IP ban) by sending the
    header itself. A Unix-socket peer ("") is serve's proxy on this machine: trusted.

    Args:
        peer: the TCP peer address, "" for a Unix socket.
        headers: request headers with lower-case names.
        trusted: networks whose forwarded headers are believed.
    """
    if peer and not _trusted(peer, trusted):
        return peer
    forwarded = [hop.strip() for hop in headers.get("x-forwarded-for", "").split(",") if hop.strip()]
    address = peer
    for hop in reversed(forwarded):
        address = hop
        if not _trusted(hop, trusted):
            break
    return address or "unix"
