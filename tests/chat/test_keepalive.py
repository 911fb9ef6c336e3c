"""Websocket pings every 54 s and dead clients closed after 60 s, on real sockets under MockClock.

serve's RawWebSocket runs on one end of a socket pair with the chat session behind it, as in
``run-all``; the other end is a real websocket client: trio-websocket (which answers pings, as
browsers do) or a peer that shakes hands and then never reads again (a laptop closed mid-stream).
"""

from __future__ import annotations

import base64
import contextlib
import os

import pytest
import trio
from trio.testing import MockClock
from trio_websocket import ConnectionClosed, wrap_client_stream

from owncast_cli.chat.core import ChatCore
from owncast_cli.chat.sessions import PING_SECONDS, PONG_WAIT_SECONDS, Sessions
from owncast_cli.websocket import RawWebSocket
from tests.chat.test_clock import core, user  # noqa: F401 - the in-process chat core fixture


async def serve_one(sessions: Sessions, sock: trio.socket.SocketType, token: str, done: list[RawWebSocket]) -> None:
    """Read the handshake from ``sock`` and run the chat session on it, as serve's front door does."""
    head = b""
    while b"\r\n\r\n" not in head:
        head += await sock.recv(4096)
    end = head.index(b"\r\n\r\n") + 4
    conn = RawWebSocket(sock, head[:end], head[end:], "192.0.2.1")
    done.append(conn)

    async def handler(ws: RawWebSocket) -> None:
        await ws.accept()
        await sessions.session(ws, token=token, ip="192.0.2.1", user_agent="test")

    await conn.run(handler)
    sock.close()


def handshake() -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET /ws?accessToken=x HTTP/1.1\r\nHost: chat\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()


async def test_a_live_client_is_pinged_and_kept(core: ChatCore, autojump_clock: MockClock) -> None:  # noqa: F811
    """A viewer who never chats stays as long as pongs come back (Owncast's read deadline)."""
    sessions = Sessions(core)
    served: list[RawWebSocket] = []
    with trio.fail_after(1200):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            server_sock, client_sock = trio.socket.socketpair()
            nursery.start_soon(serve_one, sessions, server_sock, user(core, "lurker"), served)
            ws = await wrap_client_stream(nursery, trio.SocketStream(client_sock), "chat", "/ws?accessToken=lurker")
            received: list[str] = []

            async def read() -> None:  # a browser tab keeps reading what comes
                with contextlib.suppress(ConnectionClosed):
                    while True:
                        received.append(await ws.get_message())

            nursery.start_soon(read)
            await trio.sleep(PING_SECONDS * 10 + 1)  # ten pings, each answered by the client library
            assert not ws.closed and served[0].close_code is None and len(core.hub.clients) == 1
            assert served[0].last_heard >= PING_SECONDS * 10  # the tenth pong arrived
            assert '"CONNECTED_USER_INFO"' in received[0]
            await ws.aclose()
            nursery.cancel_scope.cancel()


async def test_a_dead_client_is_closed_after_sixty_seconds(core: ChatCore, autojump_clock: MockClock) -> None:  # noqa: F811
    sessions = Sessions(core)
    served: list[RawWebSocket] = []
    with trio.fail_after(600):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            server_sock, client_sock = trio.socket.socketpair()
            nursery.start_soon(serve_one, sessions, server_sock, user(core, "sleeper"), served)
            started = trio.current_time()
            await client_sock.send(handshake())
            assert b" 101 " in await client_sock.recv(4096)
            while not core.hub.clients:  # the session has joined the user
                await trio.sleep(0.01)
            # From here the peer neither reads nor answers: only the server's clock moves on.
            while core.hub.clients:
                await trio.sleep(0.5)
            gone = trio.current_time() - started
            assert gone == pytest.approx(PONG_WAIT_SECONDS, abs=1)
            assert served[0].close_code == 1001
            client_sock.close()
            nursery.cancel_scope.cancel()
