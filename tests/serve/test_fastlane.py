"""The HLS fast lane and the hand-off to hypercorn, in process, over real TCP and Unix sockets."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import trio
from hypercorn.config import Config
from trio_websocket import open_websocket_url

from owncast_cli.serve import frontdoor
from owncast_cli.serve.fastlane import FastLane
from owncast_cli.serve.limits import ConnectionCounter, Limits

PLAYLIST = b"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nstream-0.ts\n"


async def app(scope, receive, send):  # noqa: ANN001, ANN201 - a minimal ASGI app standing in for Quart
    """Answers every HTTP request with what it saw; echoes one websocket message."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    elif scope["type"] == "http":
        body = f"app {scope['method']} {scope['path']} HTTP/{scope['http_version']}".encode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    elif scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        message = await receive()
        await send({"type": "websocket.send", "text": "echo " + message.get("text", "")})
        await send({"type": "websocket.close", "code": 1000})


@dataclass
class Front:
    host: str
    port: int
    unix: str
    hls: Path
    seen: list[tuple[str, str]] = field(default_factory=list)
    stop: trio.Event = field(default_factory=trio.Event)


@asynccontextmanager
async def front_door(*, head_timeout: float = 5, idle_timeout: float = 5) -> AsyncIterator[Front]:
    tmp = Path(tempfile.mkdtemp(prefix="oc-fl-", dir="/tmp"))
    hls = tmp / "hls"
    (hls / "0").mkdir(parents=True)
    (hls / "0" / "stream.m3u8").write_bytes(PLAYLIST)
    (hls / "0" / "stream-0.ts").write_bytes(bytes(range(256)) * 4096)  # 1 MiB
    (tmp / "secret.m3u8").write_bytes(b"#EXTM3U secret\n")
    config = Config()
    config.bind = ["127.0.0.1:0", f"unix:{tmp}/s.sock"]
    config.graceful_timeout = 1
    seen: list[tuple[str, str]] = []
    lane = FastLane(hls, s3=lambda: False, head_timeout=head_timeout, idle_timeout=idle_timeout,
                    playlist_fetched=lambda peer, headers: seen.append((peer, headers.get("user-agent", ""))))
    try:
        async with trio.open_nursery() as nursery:
            stop = trio.Event()
            binds = await nursery.start(lambda task_status: frontdoor.serve(
                app, config, lane, ConnectionCounter(Limits(1000, 0, idle_timeout)),
                shutdown_trigger=stop.wait, task_status=task_status))
            host, port = binds[0].removeprefix("http://").rsplit(":", 1)
            yield Front(host, int(port), f"{tmp}/s.sock", hls, seen, stop)
            stop.set()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class Reader:
    """Reads HTTP/1.1 responses (Content-Length bodies) from a stream, keeping leftover bytes."""

    def __init__(self, stream: trio.abc.Stream) -> None:
        self.stream, self.buffer = stream, b""

    async def response(self, *, head_only: bool = False) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            await self._more()
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        status = int(lines[0].split(" ")[1])
        length = 0 if head_only or status in (101, 304) else int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            await self._more()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    async def closed(self) -> bool:
        """True if the peer closed the connection (EOF or reset) with nothing more to read."""
        try:
            data = await self.stream.receive_some(65536)
        except trio.BrokenResourceError:
            return True
        return data == b""

    async def _more(self) -> None:
        data = await self.stream.receive_some(65536)
        if not data:
            raise AssertionError(f"connection closed; unread: {self.buffer[:200]!r}")
        self.buffer += data


def get(path: str, extra: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: t\r\nUser-Agent: ua-test\r\n{extra}\r\n".encode()


async def test_keep_alive_playlist_and_segment_on_one_connection():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_tcp_stream(f.host, f.port)
            reader = Reader(stream)
            await stream.send_all(get("/hls/0/stream.m3u8"))
            status, headers, body = await reader.response()
            assert (status, body) == (200, PLAYLIST)
            assert headers["content-type"] == "application/x-mpegURL"
            assert headers["server"] == "owncast" and headers["access-control-allow-origin"] == "*"
            assert headers["x-content-type-options"] == "nosniff"
            await stream.send_all(get("/hls/0/stream-0.ts"))
            status, headers, body = await reader.response()
            assert status == 200 and headers["content-type"] == "video/mp2t"
            assert body == (f.hls / "0" / "stream-0.ts").read_bytes()
            assert f.seen == [("127.0.0.1", "ua-test")]  # playlists count viewers, segments do not
            await stream.aclose()


async def test_playlist_changes_are_seen_and_validators_work():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_tcp_stream(f.host, f.port)
            reader = Reader(stream)
            await stream.send_all(get("/hls/0/stream.m3u8"))
            _, headers, _ = await reader.response()
            await stream.send_all(get("/hls/0/stream.m3u8", f"If-None-Match: {headers['etag']}\r\n"))
            status, _, body = await reader.response()
            assert (status, body) == (304, b"")
            newer = f.hls / "0" / "next.m3u8"
            newer.write_bytes(PLAYLIST + b"#EXTINF:1.0,\nstream-1.ts\n")
            newer.replace(f.hls / "0" / "stream.m3u8")  # as the transcoder writes: atomically
            await stream.send_all(get("/hls/0/stream.m3u8", f"If-None-Match: {headers['etag']}\r\n"))
            status, _, body = await reader.response()
            assert status == 200 and body.endswith(b"stream-1.ts\n")
            await stream.send_all(get("/hls/0/stream-0.ts", "Range: bytes=-100\r\n"))
            status, headers, body = await reader.response()
            assert status == 206 and body == (f.hls / "0" / "stream-0.ts").read_bytes()[-100:]
            assert headers["content-range"] == f"bytes {1048576 - 100}-1048575/1048576"
            await stream.send_all(b"HEAD /hls/0/stream-0.ts HTTP/1.1\r\nHost: t\r\n\r\n")
            status, headers, body = await reader.response(head_only=True)
            assert status == 200 and headers["content-length"] == "1048576"
            await stream.send_all(get("/hls/0/stream.m3u8", "Connection: close\r\n"))
            status, headers, _ = await reader.response()
            assert status == 200 and headers["connection"] == "close"
            assert await reader.closed()


async def test_pipelined_requests_are_answered_in_order():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_tcp_stream(f.host, f.port)
            reader = Reader(stream)
            await stream.send_all(get("/hls/0/stream-0.ts", "Range: bytes=0-9\r\n") + get("/hls/0/stream.m3u8")
                                  + get("/hls/0/missing.ts"))
            assert (await reader.response())[2] == bytes(range(10))
            assert (await reader.response())[2] == PLAYLIST
            status, headers, _ = await reader.response()
            assert status == 404 and headers["server"] == "owncast"
            await stream.aclose()


async def test_other_requests_are_handed_to_the_app_mid_connection():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_tcp_stream(f.host, f.port)
            reader = Reader(stream)
            # HLS, then (pipelined) the API, then HLS again: the last two reach the app in order
            # (once handed on, a connection stays with hypercorn, whose Quart route serves HLS too).
            await stream.send_all(get("/hls/0/stream.m3u8") + get("/api/status") + get("/hls/0/stream.m3u8"))
            assert (await reader.response())[2] == PLAYLIST
            status, headers, body = await reader.response()
            assert (status, body) == (200, b"app GET /api/status HTTP/1.1")
            assert "owncast" not in headers.get("server", "")
            status, _, body = await reader.response()
            assert (status, body) == (200, b"app GET /hls/0/stream.m3u8 HTTP/1.1")
            # A body, another method, an upgrade: never the fast lane's.
            await stream.send_all(b"POST /hls/0/stream.m3u8 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi")
            assert (await reader.response())[2] == b"app POST /hls/0/stream.m3u8 HTTP/1.1"
            await stream.aclose()


async def test_websocket_upgrades_reach_the_app():
    with trio.fail_after(10):
        async with front_door() as f:
            for path in ("/ws", "/hls/ws"):  # also below /hls/: an Upgrade is never the fast lane's
                async with open_websocket_url(f"ws://{f.host}:{f.port}{path}") as ws:
                    await ws.send_message("hello")
                    assert await ws.get_message() == "echo hello"


async def test_h2c_prior_knowledge_and_upgrade_reach_hypercorn():
    with trio.fail_after(10):
        async with front_door() as f:
            async with httpx.AsyncClient(http1=False, http2=True) as client:
                r = await client.get(f"http://{f.host}:{f.port}/hls/0/stream.m3u8")
                assert r.http_version == "HTTP/2"
                assert r.text == "app GET /hls/0/stream.m3u8 HTTP/2"
            stream = await trio.open_tcp_stream(f.host, f.port)
            await stream.send_all(get("/hls/0/stream.m3u8", "Connection: Upgrade, HTTP2-Settings\r\n"
                                      "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n"))
            status, headers, _ = await Reader(stream).response()
            assert status == 101 and headers["upgrade"] == "h2c"
            await stream.aclose()


async def test_unix_socket_peer():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_unix_socket(f.unix)
            await stream.send_all(get("/hls/0/stream.m3u8"))
            status, _, body = await Reader(stream).response()
            assert (status, body) == (200, PLAYLIST)
            assert f.seen == [("", "ua-test")]  # a local reverse proxy: X-Forwarded-For decides
            await stream.aclose()


@pytest.mark.parametrize("target", [
    "/hls/../secret.m3u8", "/hls/%2e%2e/secret.m3u8", "/hls/%252e%252e/secret.m3u8",
    "/hls/0/..%2f..%2fsecret.m3u8", "/hls/%2fetc%2fpasswd", "/hls//etc/passwd", "/hls/0/",
    "/hls/0", "/hls/.hidden.ts", "/hls/link.m3u8", "/hls/0/stream.m3u8%00.ts",
])
async def test_traversal_refused(target):
    with trio.fail_after(10):
        async with front_door() as f:
            (f.hls / "link.m3u8").symlink_to(f.hls.parent / "secret.m3u8")
            stream = await trio.open_tcp_stream(f.host, f.port)
            await stream.send_all(get(target))
            status, _, body = await Reader(stream).response()
            assert status in (400, 404) and b"secret" not in body, (target, status, body)
            await stream.aclose()


async def test_slow_heads_and_idle_connections_are_closed():
    with trio.fail_after(10):
        async with front_door(head_timeout=0.2, idle_timeout=1.0) as f:
            slow = await trio.open_tcp_stream(f.host, f.port)
            await slow.send_all(b"GET /hls/0/stream.m3u8 HTTP/1.1\r\nHost: t\r\n")  # never finished
            idle = await trio.open_tcp_stream(f.host, f.port)
            began = trio.current_time()
            assert await Reader(slow).closed()
            assert trio.current_time() - began < 0.9  # the head timeout, not the idle one
            assert await Reader(idle).closed()
            assert trio.current_time() - began >= 0.95


async def test_shutdown_closes_idle_keep_alive_connections():
    with trio.fail_after(10):
        async with front_door() as f:
            stream = await trio.open_tcp_stream(f.host, f.port)
            reader = Reader(stream)
            await stream.send_all(get("/hls/0/stream.m3u8"))
            assert (await reader.response())[0] == 200
            f.stop.set()
            assert await reader.closed()  # at once, not after the 5 s idle timeout
        with pytest.raises(OSError):
            await trio.open_tcp_stream(f.host, f.port)


async def test_segment_to_a_slow_reader_arrives_whole():
    """sendfile fills the socket buffers and waits for them to drain (the EAGAIN path)."""
    with trio.fail_after(10):
        async with front_door() as f:
            data = bytes(range(256)) * 16384  # 4 MiB: more than loopback's buffers hold
            (f.hls / "0" / "big.ts").write_bytes(data)
            sock = trio.socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
            await sock.connect((f.host, f.port))
            stream = trio.SocketStream(sock)
            await stream.send_all(get("/hls/0/big.ts"))
            await trio.sleep(0.2)  # a reader that stalls: the server must wait, not spin or fail
            reader = Reader(stream)
            status, _, body = await reader.response()
            assert status == 200 and body == data
            await stream.aclose()
