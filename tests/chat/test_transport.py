"""The raw websocket transport (owncast_cli/websocket.py) behind serve's front door, and chat apart.

Real sockets throughout: the front door on 127.0.0.1:0 with a test handler, a client made of a TCP
stream and wsproto (so frames can be fragmented, masked or not, interleaved with pings).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
import trio
from hypercorn.config import Config
from hypothesis import given, settings
from hypothesis import strategies as st
from trio_websocket import ConnectionClosed, open_websocket_url
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import CloseConnection, Ping, Pong, TextMessage
from wsproto.utilities import generate_accept_token

from owncast_cli.chat.hub import Hub
from owncast_cli.serve import frontdoor
from owncast_cli.serve.fastlane import FastLane
from owncast_cli.websocket import RawWebSocket, WebSocketHandler, encode_text_frame
from tests.chat.conftest import chat_apart, set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer, fresh_datadir, serving, start_run_all

WAIT = 5


async def not_found_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    """The rest of the front door: lifespan, and 404 for any request hypercorn gets."""
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4404})
        return
    await send({"type": "http.response.start", "status": 404, "headers": [(b"x-by", b"hypercorn")]})
    await send({"type": "http.response.body", "body": b"hypercorn"})


@asynccontextmanager
async def front_door(handler: WebSocketHandler, tmp: Path) -> AsyncIterator[tuple[int, trio.Event]]:
    """serve's front door with ``handler`` on ``/ws``; yields (port, stop)."""
    config = Config()
    config.bind = ["127.0.0.1:0"]
    config.graceful_timeout = 1.0
    lane = FastLane(tmp, s3=lambda: False, playlist_fetched=lambda peer, headers: None)
    stop = trio.Event()
    async with trio.open_nursery() as nursery:
        binds = await nursery.start(lambda task_status: frontdoor.serve(
            not_found_app, config, lane, shutdown_trigger=stop.wait,
            ws_route=lambda path: handler if path == "/ws" else None, task_status=task_status))
        yield int(binds[0].rsplit(":", 1)[1]), stop
        stop.set()


class RawClient:
    """A websocket client over a TCP stream: wsproto frames, bytes under the test's control."""

    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.ws = Connection(ConnectionType.CLIENT)

    async def send(self, event: object) -> None:
        await self.stream.send_all(self.ws.send(event))  # type: ignore[arg-type]

    async def next_event(self) -> object:
        while True:
            for event in self.ws.events():
                return event
            data = await self.stream.receive_some(65536)
            self.ws.receive_data(data or None)

    async def message(self) -> str:
        parts = []
        while True:
            event = await self.next_event()
            assert isinstance(event, TextMessage), event
            parts.append(event.data)
            if event.message_finished:
                return "".join(parts)


async def handshake(port: int, path: str = "/ws", extra: bytes = b"") -> tuple[trio.SocketStream, bytes, bytes]:
    """Open a connection and send an upgrade request; returns (stream, response head, rest)."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16))
    await stream.send_all(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                          b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key
                          + b"\r\nUser-Agent: raw-test\r\n\r\n" + extra)
    data = b""
    while b"\r\n\r\n" not in data:
        more = await stream.receive_some(65536)
        if not more:
            break
        data += more
    head, _, rest = data.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 101"):
        assert b"\r\nSec-WebSocket-Accept: " + generate_accept_token(key) in head
    return stream, head, rest


async def open_raw(port: int) -> RawClient:
    stream, head, rest = await handshake(port)
    assert head.startswith(b"HTTP/1.1 101"), head
    client = RawClient(stream)
    if rest:
        client.ws.receive_data(rest)
    return client


async def echo(conn: RawWebSocket) -> None:
    """Echo handler: says who it sees, then echoes text; "big" lowers the size limit."""
    conn.max_message_size = 1000
    await conn.accept()
    await conn.send(json.dumps({"path": conn.path, "args": conn.args, "ua": conn.headers.get("user-agent"),
                                "peer": conn.peer}))
    while (message := await conn.receive()) is not None:
        if isinstance(message, bytes):
            message = "bytes:" + message.hex()
        await conn.send("echo:" + message)


# --- frames ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300) | st.sampled_from(["x" * 125, "x" * 126, "x" * 65535, "x" * 65536]))
def test_frames_are_the_bytes_hypercorn_sends(text: str) -> None:
    # hypercorn (the Quart path) encodes server frames with wsproto: ours must be byte-identical.
    assert encode_text_frame(text) == Connection(ConnectionType.SERVER).send(TextMessage(data=text))


# --- the front door's websocket -------------------------------------------------------------


async def test_handshake_query_headers_and_echo(tmp_path: Path) -> None:
    with trio.fail_after(WAIT):
        async with front_door(echo, tmp_path) as (port, _):
            async with open_websocket_url(f"ws://127.0.0.1:{port}/ws?accessToken=abc&x=1") as ws:
                hello = json.loads(await ws.get_message())
                assert hello == {"path": "/ws", "args": {"accessToken": "abc", "x": "1"},
                                 "ua": None, "peer": "127.0.0.1"}
                await ws.send_message("héllo")
                assert await ws.get_message() == "echo:héllo"
                await ws.send_message(b"\x00\x01")
                assert await ws.get_message() == "echo:bytes:0001"


async def test_other_paths_and_invalid_handshakes_go_to_hypercorn(tmp_path: Path) -> None:
    with trio.fail_after(WAIT):
        async with front_door(echo, tmp_path) as (port, _):
            stream, head, _ = await handshake(port, "/other")
            # hypercorn's answer to an ASGI app closing before accepting.
            assert head.startswith(b"HTTP/1.1 403"), head
            await stream.aclose()
            # No Sec-WebSocket-Key: not a websocket handshake, so hypercorn answers (here 404).
            stream = await trio.open_tcp_stream("127.0.0.1", port)
            await stream.send_all(b"GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = b""
            while more := await stream.receive_some(65536):
                reply += more
            assert reply.startswith(b"HTTP/1.1 404") and b"x-by: hypercorn" in reply


async def test_first_frames_in_the_handshake_packet_fragments_masking_and_ping(tmp_path: Path) -> None:
    with trio.fail_after(WAIT):
        async with front_door(echo, tmp_path) as (port, _):
            early = Connection(ConnectionType.CLIENT).send(TextMessage(data="early"))
            stream, head, rest = await handshake(port, extra=early)
            assert head.startswith(b"HTTP/1.1 101")
            client = RawClient(stream)
            client.ws.receive_data(rest)
            assert json.loads(await client.message())["path"] == "/ws"
            assert await client.message() == "echo:early"
            # One message in three masked fragments, a ping between them (RFC 6455 5.4, 5.5).
            await client.send(TextMessage(data="ab", message_finished=False))
            await client.send(Ping(payload=b"p1"))
            await client.send(TextMessage(data="cé", message_finished=False))
            await client.send(TextMessage(data="d", message_finished=True))
            pong = await client.next_event()
            assert isinstance(pong, Pong) and pong.payload == b"p1"
            assert await client.message() == "echo:abcéd"
            await client.send(CloseConnection(code=1000))
            closed = await client.next_event()
            assert isinstance(closed, CloseConnection) and closed.code == 1000
            assert await stream.receive_some(100) == b""  # the server closes the TCP connection


async def test_unmasked_client_frame_is_a_protocol_error(tmp_path: Path) -> None:
    with trio.fail_after(WAIT):
        async with front_door(echo, tmp_path) as (port, _):
            client = await open_raw(port)
            await client.message()
            # A server-style (unmasked) frame from a client: RFC 6455 5.1 says close with 1002.
            await client.stream.send_all(encode_text_frame("unmasked"))
            closed = await client.next_event()
            assert isinstance(closed, CloseConnection) and closed.code == 1002


async def test_oversize_message_closes_with_1009(tmp_path: Path) -> None:
    with trio.fail_after(WAIT):
        async with front_door(echo, tmp_path) as (port, _):
            client = await open_raw(port)
            await client.message()
            for _ in range(3):  # 3 x 400 bytes in fragments: over the handler's 1000
                await client.send(TextMessage(data="x" * 400, message_finished=False))
            closed = await client.next_event()
            assert isinstance(closed, CloseConnection) and closed.code == 1009


async def test_handler_refusal_is_plain_http(tmp_path: Path) -> None:
    async def refuse(conn: RawWebSocket) -> None:
        await conn.refuse(503, "chat is full\n")

    with trio.fail_after(WAIT):
        async with front_door(refuse, tmp_path) as (port, _):
            stream, head, rest = await handshake(port)
            while more := await stream.receive_some(65536):
                rest += more
            assert head.startswith(b"HTTP/1.1 503") and b"text/plain" in head and rest == b"chat is full\n"


async def test_slow_client_is_refused_more_and_disconnected_others_get_everything(tmp_path: Path) -> None:
    hub = Hub()
    joined = trio.Semaphore(0)
    kicked: list[str | None] = []

    async def member(conn: RawWebSocket) -> None:
        conn.max_pending_frames = 4
        await conn.accept()
        client = hub.add(conn.args["name"], ip=conn.peer, user_agent="", now=0, direct=conn)
        joined.release()
        try:
            with client.scope:
                while await conn.receive() is not None:
                    pass
        finally:
            hub.remove(client)
            kicked.append(client.close_reason)
        if client.close_reason is not None:
            await conn.close(1008)

    text = "m" * 60_000
    with trio.fail_after(10):
        async with front_door(member, tmp_path) as (port, _):
            async with open_websocket_url(f"ws://127.0.0.1:{port}/ws?name=fast",
                                          max_message_size=100_000) as fast:
                slow, head, _ = await handshake(port, "/ws?name=slow")  # never reads again
                assert head.startswith(b"HTTP/1.1 101")
                await joined.acquire()
                await joined.acquire()
                got = 0
                for i in range(64):  # ~3.8 MB: far more than the kernel buffers of a reader that stops
                    hub.broadcast(f"{i}:{text}")
                    assert await fast.get_message() == f"{i}:{text}"
                    got += 1
                    if kicked:
                        break
                with trio.fail_after(3):
                    while not kicked:
                        await trio.sleep(0.01)  # the kicked session's finally runs on its own task
                assert kicked == ["too slow"] and len(hub) == 1
                hub.broadcast("after")
                assert await fast.get_message() == "after"
                await slow.aclose()


# --- chat in run-all: shutdown; chat apart: the Quart path ----------------------------------


async def test_shutdown_closes_chat_websockets_with_1001() -> None:
    datadir = Path(os.path.join("/tmp", f"oc-t{os.getpid()}"))
    datadir.mkdir()
    server = start_run_all(datadir)
    try:
        await trio.to_thread.run_sync(server.wait_ready)
        with trio.fail_after(15):
            async with chat_client(server.base_url, "leaver") as client:
                await client.next("CONNECTED_USER_INFO")
                server.proc.send_signal(signal.SIGTERM)
                with pytest.raises(ConnectionClosed) as closed:
                    while True:
                        await client.ws.get_message()
                assert closed.value.reason.code == 1001
        assert await trio.to_thread.run_sync(lambda: server.proc.wait(15)) == 0
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
        shutil.rmtree(datadir, ignore_errors=True)


def _configure(server: RunningServer) -> None:
    set_config(server, "chat_spam_protection_enabled", "false")  # Bob sends two frames at once


async def _alice_frames(server: RunningServer) -> list[list[str]]:
    """The event types of each frame Alice gets while Bob joins, chats, renames and is banned."""
    async with chat_client(server.base_url, "alice") as alice:
        for kind in ("CONNECTED_USER_INFO", "USER_JOINED"):
            await alice.next(kind)
        async with chat_client(server.base_url, "bob") as bob:
            await alice.next("USER_JOINED")
            await bob.chat("hello")
            assert (await alice.next("CHAT"))["body"] == "<p>hello</p>"
            await bob.send(type="NAME_CHANGE", newName="robert")
            await alice.next("NAME_CHANGE")
            async with httpx.AsyncClient(auth=("admin", "abc123"), timeout=WAIT) as http:
                response = await http.post(f"{server.base_url}/api/admin/chat/users/setenabled",
                                           json={"userId": bob.user["id"], "enabled": False})
                assert response.status_code == 200, response.text
            await alice.next("CHAT_ACTION")
    return [[json.loads(line)["type"] for line in frame.split("\n")] for frame in alice.frames]


async def test_both_transports_send_the_same_newline_batched_frames() -> None:
    """Chat in serve's process (raw websocket) and chat apart (Quart, behind serve's proxy)."""
    frames = []
    with trio.fail_after(90):
        with serving(start_run_all(fresh_datadir())) as together:
            _configure(together)
            frames.append(await _alice_frames(together))
        with chat_apart() as (apart, _):
            _configure(apart)
            frames.append(await _alice_frames(apart))
            assert (await register(apart.base_url, "second"))["displayName"] == "second"
    assert frames[0] == frames[1]
    # Events committed together go out together: the ban hides Bob's message and says so.
    assert frames[0] == [["CONNECTED_USER_INFO"], ["USER_JOINED"], ["USER_JOINED"], ["CHAT"],
                         ["NAME_CHANGE"], ["VISIBILITY-UPDATE", "CHAT_ACTION"]]
