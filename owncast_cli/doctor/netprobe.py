"""Small network probes the checks share: a TCP connect, an HTTP GET, this host's outward address."""

from __future__ import annotations

import socket
from typing import Any, Final

import httpx
import trio

CONNECT_SECONDS: Final = 3.0


async def tcp_connect(host: str, port: int, timeout: float = CONNECT_SECONDS) -> trio.SocketStream:
    """An open TCP stream to ``host:port``.

    Raises:
        OSError: refused, unreachable, or no answer within ``timeout`` (as TimeoutError).
    """
    with trio.move_on_after(timeout):
        return await trio.open_tcp_stream(host, port)
    raise TimeoutError(f"no answer from {host}:{port} within {timeout:g} s")


def http_client(timeout: float = 5.0, **kwargs: Any) -> httpx.AsyncClient:
    """A plain client for the operator's own endpoints (server_url, S3, this server).

    Not the outbound SSRF guard (``owncast_cli.outbound``): these URLs come from the admin's own
    config, the daemons already connect to them, and a reverse proxy on a private address is the
    usual case the doctor must reach.
    """
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False, **kwargs)


def outward_address() -> str | None:
    """This host's address on its default route, found without sending a packet (UDP connect)."""
    for family, target in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((target, 9))
                address = str(sock.getsockname()[0])
        except OSError:
            continue
        if not address.startswith("127.") and address != "::1":
            return address
    return None
