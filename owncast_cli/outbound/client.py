"""An httpx client whose every connection, redirect hops included, passes the SSRF guard.

The guard sits in the connection layer (an httpcore network backend), where the host is resolved
once, every address is checked, and the socket goes to a checked address: there is no second
lookup an attacker's DNS could answer differently (rebinding). TLS still verifies and sends SNI
for the host name, since httpcore starts TLS with the origin's name, not the address.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import anyio
import httpcore
import httpx

from owncast_cli.outbound.guard import Allowlist, IPAddress, check

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]
AllowSource = Allowlist | Callable[[], Allowlist]

USER_AGENT = "Owncast (Python; +https://owncast.online)"
MAX_REDIRECTS = 5


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to for a TCP connection, in the resolver's order."""
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: dict[IPAddress, None] = {}
    for _family, _type, _proto, _name, sockaddr in infos:
        seen[ipaddress.ip_address(str(sockaddr[0]).split("%")[0])] = None
    return list(seen)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolve, check, then connect to a checked address (the first that answers)."""

    def __init__(self, allow: AllowSource, resolver: Resolver = resolve) -> None:
        self._allow = allow
        self._resolver = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        try:
            with anyio.fail_after(timeout):
                addresses = await self._resolver(host, port)
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolves to no address")
        allow = self._allow() if callable(self._allow) else self._allow
        check(host, addresses, allow)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout, local_address,
                                                     socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("outbound requests go to hosts, not Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its request and error mapping) over a pool using the guard.

    AsyncHTTPTransport has no parameter for the network backend, so its pool is built here
    instead of in its ``__init__``; everything else it does reads only ``self._pool``.
    """

    def __init__(self, backend: GuardedBackend, ssl_context: ssl.SSLContext) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context, network_backend=backend,
            max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


def outbound_client(allow: AllowSource, *, timeout: float = 10.0,
                    verify: ssl.SSLContext | str | bool = True,
                    resolver: Resolver = resolve,
                    headers: Mapping[str, str] | None = None) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that reaches only what the guard allows.

    ``allow`` may be a callable so a long-lived client follows config changes. A refused
    destination raises ``OutboundRefused`` out of ``client.get/post/...`` (not an httpx error).
    """
    context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
    return httpx.AsyncClient(
        transport=_GuardedTransport(GuardedBackend(allow, resolver), context),
        timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, trust_env=False,
        headers={"User-Agent": USER_AGENT, **(headers or {})})


def allowed_hosts(config: Any) -> Allowlist:
    """The allowlist the config key ``outbound_allowed_hosts`` gives (validated when set)."""
    return Allowlist.parse(config.outbound_allowed_hosts)
