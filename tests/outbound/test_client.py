"""The guarded client end to end, against loopback servers only (no other address is ever dialled)."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import AsyncIterator
from functools import partial

import httpx
import pytest
import trio

from owncast_cli.outbound.client import IPAddress, Resolver, outbound_client
from owncast_cli.outbound.guard import Allowlist, OutboundRefused

LOOPBACK = [ipaddress.ip_address("127.0.0.1")]


class Server:
    """A minimal HTTP/1.1 server: answers each request with ``response(path)``; counts connections."""

    def __init__(self) -> None:
        self.port = 0
        self.connections = 0
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        self.redirect_to: str | None = None

    async def handle(self, stream: trio.SocketStream) -> None:
        self.connections += 1
        data = b""
        with trio.move_on_after(5):
            while b"\r\n\r\n" not in data:
                chunk = await stream.receive_some(4096)
                if not chunk:
                    return
                data += chunk
        head = data.split(b"\r\n\r\n")[0].decode().split("\r\n")
        path = head[0].split()[1]
        host = next(line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("host:"))
        self.requests.append((path, host))
        if self.redirect_to and path == "/start":
            reply = f"HTTP/1.1 302 Found\r\nLocation: {self.redirect_to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        else:
            reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        await stream.send_all(reply.encode())
        await stream.aclose()


@pytest.fixture
async def server(nursery: trio.Nursery) -> AsyncIterator[Server]:
    srv = Server()
    listeners = await nursery.start(partial(trio.serve_tcp, srv.handle, 0, host="127.0.0.1"))
    srv.port = listeners[0].socket.getsockname()[1]
    yield srv


def table_resolver(table: dict[str, list[IPAddress]]) -> Resolver:
    async def resolve(host: str, port: int) -> list[IPAddress]:
        if host not in table:
            raise OSError(f"test resolver: no such host {host}")
        return table[host]
    return resolve


async def test_loopback_is_refused_without_the_allowlist_and_nothing_is_dialled(server: Server) -> None:
    with trio.fail_after(10):
        async with outbound_client(Allowlist()) as client:
            with pytest.raises(OutboundRefused, match="loopback"):
                await client.get(f"http://127.0.0.1:{server.port}/hook")
    assert server.connections == 0


async def test_the_allowlist_lets_loopback_through(server: Server) -> None:
    with trio.fail_after(10):
        async with outbound_client(Allowlist.parse(["127.0.0.1"])) as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/hook")
    assert (response.status_code, response.text) == (200, "ok")
    assert server.requests == [("/hook", f"127.0.0.1:{server.port}")]


async def test_a_name_is_checked_on_what_it_resolves_to_and_dialled_there(server: Server) -> None:
    resolver = table_resolver({"hooks.example": LOOPBACK})
    with trio.fail_after(10):
        async with outbound_client(Allowlist(), resolver=resolver) as client:
            with pytest.raises(OutboundRefused, match=r"hooks\.example \(127\.0\.0\.1\)"):
                await client.get(f"http://hooks.example:{server.port}/")
        assert server.connections == 0
        async with outbound_client(Allowlist.parse(["hooks.example"]), resolver=resolver) as client:
            response = await client.get(f"http://hooks.example:{server.port}/x")
    assert response.status_code == 200
    assert server.requests == [("/x", f"hooks.example:{server.port}")]


async def test_a_redirect_to_a_refused_address_is_refused(server: Server) -> None:
    resolver = table_resolver({"public.example": LOOPBACK, "internal.example": LOOPBACK})
    server.redirect_to = f"http://internal.example:{server.port}/admin"
    with trio.fail_after(10):
        async with outbound_client(Allowlist.parse(["public.example"]), resolver=resolver) as client:
            with pytest.raises(OutboundRefused, match="internal.example"):
                await client.get(f"http://public.example:{server.port}/start")
    assert [path for path, _ in server.requests] == ["/start"]


async def test_an_allowed_redirect_is_followed(server: Server) -> None:
    server.redirect_to = f"http://127.0.0.1:{server.port}/end"
    with trio.fail_after(10):
        async with outbound_client(Allowlist.parse(["127.0.0.1"])) as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/start")
    assert response.status_code == 200
    assert [path for path, _ in server.requests] == ["/start", "/end"]


async def test_the_allowlist_is_read_per_connection_when_given_as_a_callable(server: Server) -> None:
    current = [Allowlist()]
    with trio.fail_after(10):
        async with outbound_client(lambda: current[0]) as client:
            with pytest.raises(OutboundRefused):
                await client.get(f"http://127.0.0.1:{server.port}/")
            current[0] = Allowlist.parse(["127.0.0.0/8"])
            assert (await client.get(f"http://127.0.0.1:{server.port}/")).status_code == 200


async def test_an_unresolvable_name_is_an_httpx_connect_error() -> None:
    with trio.fail_after(10):
        async with outbound_client(Allowlist(), resolver=table_resolver({})) as client:
            with pytest.raises(httpx.ConnectError, match="cannot resolve nowhere.example"):
                await client.get("http://nowhere.example/")


async def test_tls_verifies_the_host_name_while_dialling_the_checked_address(nursery: trio.Nursery) -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("peer.example").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    srv = Server()
    listeners = await nursery.start(partial(trio.serve_ssl_over_tcp, srv.handle, 0, server_context,
                                            host="127.0.0.1"))
    port = listeners[0].transport_listener.socket.getsockname()[1]
    resolver = table_resolver({"peer.example": LOOPBACK, "other.example": LOOPBACK})
    with trio.fail_after(10):
        async with outbound_client(Allowlist.parse(["127.0.0.1"]), resolver=resolver,
                                   verify=client_context) as client:
            response = await client.get(f"https://peer.example:{port}/actor")
            assert response.status_code == 200
            with pytest.raises(httpx.ConnectError, match="(?i)certificate|hostname"):
                await client.get(f"https://other.example:{port}/actor")
    assert srv.requests[0] == ("/actor", f"peer.example:{port}")
