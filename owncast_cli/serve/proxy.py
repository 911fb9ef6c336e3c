"""Reverse proxy (HTTP and websockets) to a daemon's app on ``run/<name>.sock``.

Used by the dispatcher when a daemon with HTTP routes (chat, federate) runs as its own unit. The
upstream sees the viewer's address in ``X-Forwarded-For`` (serve's Unix-socket peer is trusted).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final

import httpx
import trio
from trio_websocket import ConnectionClosed, HandshakeError, wrap_client_stream

from owncast_cli.serve.mounts import unavailable

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.serve.proxy")

#: RFC 9110 7.6.1: connection-specific fields are not forwarded.
HOP_BY_HOP: Final = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
    "transfer-encoding", "upgrade", "host", "content-length",
})
WS_SKIP: Final = HOP_BY_HOP | {"sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions",
                               "sec-websocket-protocol"}
TIMEOUT: Final = httpx.Timeout(30.0, connect=5.0)


def _client_ip(scope: dict[str, Any]) -> str:
    client = scope.get("client")
    return client[0] if client and client[0] else "unix"


def _forwarded_headers(scope: dict[str, Any], skip: frozenset[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    prior = ""
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        if name == "x-forwarded-for":
            prior = raw_value.decode("latin-1")
            continue
        if name not in skip:
            out.append((name, raw_value.decode("latin-1")))
    chain = f"{prior}, {_client_ip(scope)}" if prior else _client_ip(scope)
    out.append(("x-forwarded-for", chain))
    if not any(n == "x-forwarded-proto" for n, _ in out):
        out.append(("x-forwarded-proto", "https" if scope.get("scheme") in ("https", "wss") else "http"))
    return out


def _target(scope: dict[str, Any]) -> str:
    path = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string") or b""
    return (path + (b"?" + query if query else b"")).decode("latin-1")


class UnixProxy:
    """ASGI app: forwards the request to the socket of ``scope["owncast.daemon"]``."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._clients: dict[str, httpx.AsyncClient] = {}

    def _client(self, name: str) -> httpx.AsyncClient:
        client = self._clients.get(name)
        if client is None:
            transport = httpx.AsyncHTTPTransport(uds=str(self.ctx.settings.socket_path(name)))
            client = httpx.AsyncClient(transport=transport, timeout=TIMEOUT, base_url="http://owncast")
            self._clients[name] = client
        return client

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        name = scope["owncast.daemon"]
        if scope["type"] == "websocket":
            await self._websocket(name, scope, receive, send)
        else:
            await self._http(name, scope, receive, send)

    async def _http(self, name: str, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def body() -> AsyncIterator[bytes]:
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                yield message.get("body", b"")
                if not message.get("more_body"):
                    return

        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "localhost")
        headers = [*_forwarded_headers(scope, HOP_BY_HOP), ("host", host)]
        client = self._client(name)
        request = client.build_request(scope["method"], _target(scope), headers=headers, content=body())
        try:
            response = await client.send(request, stream=True)
        except httpx.ConnectError as exc:
            # A socket left by a daemon that was killed, or one that is restarting.
            logger.warning("%s is not answering on its socket: %s", name, exc)
            await unavailable(scope, receive, send, name)
            return
        except httpx.TransportError as exc:
            logger.warning("%s failed while answering: %s", name, exc)
            await _plain(send, 502, f"the {name} daemon failed to answer".encode())
            return
        try:
            await send({
                "type": "http.response.start",
                "status": response.status_code,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.multi_items()
                            if k.lower() not in HOP_BY_HOP - {"content-length"}],
            })
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            await response.aclose()

    async def _websocket(self, name: str, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            stream = await trio.open_unix_socket(str(self.ctx.settings.socket_path(name)))
        except OSError as exc:
            logger.warning("%s is not answering on its socket: %s", name, exc)
            await unavailable(scope, receive, send, name)
            return
        first = await receive()
        if first["type"] != "websocket.connect":
            await stream.aclose()
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "localhost")
        async with trio.open_nursery() as nursery:
            try:
                upstream = await wrap_client_stream(
                    nursery, stream, host, _target(scope), subprotocols=scope.get("subprotocols") or None,
                    extra_headers=[(k.encode(), v.encode()) for k, v in _forwarded_headers(scope, WS_SKIP)],
                    message_queue_size=64, max_message_size=1 << 20)
            except HandshakeError as exc:
                logger.info("%s refused the websocket: %s", name, exc)
                await send({"type": "websocket.close", "code": 1011})
                await stream.aclose()
                return
            await send({"type": "websocket.accept", "subprotocol": upstream.subprotocol})

            async def down() -> None:
                try:
                    while True:
                        message = await upstream.get_message()
                        key = "bytes" if isinstance(message, bytes) else "text"
                        await send({"type": "websocket.send", key: message})
                except ConnectionClosed as closed:
                    reason = closed.reason
                    await send({"type": "websocket.close", "code": reason.code if reason else 1000})
                nursery.cancel_scope.cancel()

            async def up() -> None:
                while True:
                    message = await receive()
                    if message["type"] == "websocket.disconnect":
                        await upstream.aclose(code=message.get("code", 1000))
                        break
                    data = message.get("text") if message.get("text") is not None else message.get("bytes")
                    try:
                        await upstream.send_message(data)
                    except ConnectionClosed:
                        break
                nursery.cancel_scope.cancel()

            nursery.start_soon(down)
            nursery.start_soon(up)


async def _plain(send: Any, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
