"""How many HTTP connections the front door holds: in total, per client address, and for how long.

A probe with two clients holding 10,100 connections each filled the process's 20,000 descriptors:
``/api/status`` stopped answering, an RTMP publish could not start (ingest runs in the same process
under ``run-all``) and the log filled with ``accept returned EMFILE``. So HTTP gets a total below
the open-file limit, keeping ``http_fd_reserve`` descriptors back for ingest, the transcoder's
pipes, SQLite (three per worker thread's connection) and segment files being sent; and one
address may hold only ``http_max_connections_per_address`` of them. A connection over either cap
gets a canned 503 and is closed at once, without a task or a wait.

Trusted reverse proxies (config ``trusted_proxies``) carry many clients on their connections, so
they are not capped per address (the connection's peer is all the accept knows; the forwarded
client address arrives later, with the request). Unix-socket peers are on this machine: not
capped per address either, and they may use :data:`LOCAL_EXTRA` connections beyond the total, so
the admin can reach the API through ``run/serve.sock`` while the public side is full.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from owncast_cli.config.values import ConfigValues

logger = logging.getLogger("owncast.serve")

#: Connections a local (Unix-socket) client may open beyond the total cap.
LOCAL_EXTRA: Final = 64
#: This host's own addresses: a reverse proxy on the same machine (the usual set-up) connects from
#: one of them for every viewer, so a per-address cap there would cap the whole audience.
SAME_HOST: Final = frozenset({"127.0.0.1", "::1", "::ffff:127.0.0.1"})
#: Seconds a refused client is asked to wait (``Retry-After``).
RETRY_AFTER: Final = 2


@dataclass(frozen=True)
class Limits:
    """The front door's limits (see the config keys of the same names)."""

    #: Most connections held at once (TCP and Unix socket, websockets included).
    total: int
    #: Most connections from one client address (an IPv6 client: its /64); 0 for no cap.
    per_address: int
    #: A keep-alive connection waiting this long for its next request is closed; a request head
    #: must arrive within this too (and within the fast lane's ``HEAD_TIMEOUT``).
    idle_timeout: float

    @classmethod
    def from_config(cls, values: ConfigValues, open_files: int) -> Limits:
        """Limits from config values; ``http_max_connections`` 0 derives the total from
        ``open_files`` minus the reserve (the reserve is at most half the limit)."""
        total = values.http_max_connections
        if not total:
            total = max(1, open_files - min(values.http_fd_reserve, open_files // 2))
        return cls(total, values.http_max_connections_per_address, values.http_idle_timeout_seconds)


class Refused(StrEnum):
    """Why a connection was not admitted (the 503's message)."""

    ADDRESS = "too many connections from your address"
    TOTAL = "the server has too many connections"


def address_key(peer: str) -> str:
    """The unit a per-address cap counts: the IPv4 address, or the /64 of an IPv6 one (one
    client usually holds a whole /64); an IPv4-mapped IPv6 address counts as its IPv4."""
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return peer
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class ConnectionCounter:
    """Admits or refuses connections against :class:`Limits`; sans-IO (no sockets, no clock).

    Args:
        limits: the caps.
        uncapped: whether a peer address is a trusted proxy (not capped per address, nor is
            :data:`SAME_HOST`).
    """

    def __init__(self, limits: Limits, *, uncapped: Callable[[str], bool] = lambda peer: False) -> None:
        self.limits = limits
        self.uncapped = uncapped
        self.total = 0
        self._by_address: dict[str, int] = {}

    def admit(self, peer: str) -> str | Refused:
        """Count a new connection from ``peer`` ("" for a Unix-socket peer).

        Returns:
            The key to :meth:`release` when it closes, or why it is refused (nothing counted).
        """
        local = not peer
        if self.total >= self.limits.total + (LOCAL_EXTRA if local else 0):
            return Refused.TOTAL
        key = "" if local or peer in SAME_HOST or self.uncapped(peer) else address_key(peer)
        if key:
            held = self._by_address.get(key, 0)
            if self.limits.per_address and held >= self.limits.per_address:
                return Refused.ADDRESS
            self._by_address[key] = held + 1
        self.total += 1
        return key

    def release(self, key: str) -> None:
        """The connection admitted under ``key`` has closed."""
        self.total -= 1
        if key:
            left = self._by_address[key] - 1
            if left:
                self._by_address[key] = left
            else:
                del self._by_address[key]
