"""The SSRF guard's decision (sans-IO): may we connect to these resolved addresses of a host?

Webhooks, ActivityPub deliveries and sign-in discovery fetch URLs that strangers can choose, so
an address on this machine, its private network or a cloud metadata service is refused unless
the admin lets it through with ``outbound_allowed_hosts``. The decision is made on the addresses
a name resolves to (and on every redirect hop), not on the URL's text.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

#: Cloud instance-metadata services (AWS, GCP, Azure, OpenStack; AWS's IPv6; Alibaba).
_METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "fd00:ec2::254", "100.100.100.200",
))
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, not global (RFC 6598)


class OutboundRefused(Exception):
    """A connection the guard refused: not an HTTP error, so never worth retrying as one."""

    def __init__(self, host: str, address: IPAddress, reason: str) -> None:
        self.host, self.address, self.reason = host, address, reason
        super().__init__(
            f"refused to connect to {host} ({address}): a {reason} address; "
            "list it in outbound_allowed_hosts to allow it")


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` is not a public destination, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in _METADATA:
        return "cloud metadata"
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private or address in _SHARED
         or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)),
        ("reserved", address.is_reserved or not address.is_global),
    )
    return next((reason for reason, hit in checks if hit), None)


@dataclass(frozen=True)
class Allowlist:
    """Hosts (by name), addresses and networks let through the guard."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Allowlist:
        """``["127.0.0.1", "10.0.0.0/8", "hooks.internal"]``; raises ValueError naming a bad entry."""
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in (e.strip() for e in entries):
            if not entry:
                raise ValueError("an empty entry")
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                if not _is_hostname(entry):
                    raise ValueError(f"{entry!r} is not a host name, IP address or CIDR block") from None
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    def permits(self, host: str, address: IPAddress) -> bool:
        return host.lower().rstrip(".") in self.hosts or any(address in net for net in self.networks)


def _is_hostname(text: str) -> bool:
    labels = text.rstrip(".").split(".")
    return len(text) <= 253 and all(
        0 < len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
        and not label.startswith("-") and not label.endswith("-")
        for label in labels)


def check(host: str, addresses: Sequence[IPAddress], allow: Allowlist) -> None:
    """Raise OutboundRefused unless every address ``host`` resolved to may be connected to.

    All of them, not any: a name resolving to one public and one private address would
    otherwise reach the private one on the next attempt.
    """
    for address in addresses:
        reason = refusal(address)
        if reason is not None and not allow.permits(host, address):
            raise OutboundRefused(host, address, reason)
