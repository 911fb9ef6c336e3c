"""Connections that never publish: bounded memory each, one budget for all, a real publish alongside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trio

from owncast_cli.protocols.rtmp import MessageType, UserControlEvent, messages
from owncast_cli.protocols.rtmp.chunks import SETUP_MESSAGE_SIZE, ChunkWriter
from tests.conftest import RunningServer, owncast
from tests.ingest.conftest import without_transcoder
from tests.ingest.live import next_event, publisher, watch
from tests.ingest.test_ingest_e2e import publish_test, start_media
from tests.protocols.rtmp_helpers import setup_hog

#: S0+S1+S2, then our Ping Response (a 12-byte header and a 6-byte body on chunk stream 2).
HANDSHAKE_AND_PONG = 1 + 2 * 1536 + 12 + 6
#: Two partial messages, leaving room in the in-flight limit (2 * 8 KiB) for our pings.
HOG_SIZES = [SETUP_MESSAGE_SIZE, SETUP_MESSAGE_SIZE - 64]
#: What a hog holds once the server has read it: both messages but their last byte.
HOG_HOLDS = sum(HOG_SIZES) - 2


def ping(timestamp: int) -> bytes:
    # fmt 3 is impossible here (csid 2 saw Set Chunk Size): a fresh writer starts with fmt 0.
    return ChunkWriter().write(2, MessageType.USER_CONTROL, 0, 0,
                               messages.user_control(UserControlEvent.PING_REQUEST, timestamp))


async def hog(port: int) -> trio.SocketStream:
    """A connection with no stream key holding the most it may; returns once the server has read
    all of it (it answered the ping sent last)."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    await stream.send_all(setup_hog(HOG_SIZES) + ping(7))
    await receive_exactly(stream, HANDSHAKE_AND_PONG)
    return stream


async def receive_exactly(stream: trio.SocketStream, size: int) -> bytes:
    got = bytearray()
    while len(got) < size:
        data = await stream.receive_some(size - len(got))
        if not data:
            raise EOFError(f"closed after {len(got)} of {size} bytes")
        got += data
    return bytes(got)


async def until_closed_by_server(stream: trio.SocketStream) -> None:
    """Returns once the server closed the connection (the caller's fail_after bounds the wait)."""
    try:
        while await stream.receive_some(65536):
            pass
    except trio.BrokenResourceError:
        pass


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def test_forty_keyless_connections_stay_small_while_ffmpeg_publishes(server: RunningServer) -> None:
    """Issue 10: 40 such connections took ingest from 72 to 694 MB. Now each holds 16 KiB at most
    and the process grows by less than 8 MB (measured: under 1 MB)."""
    pid, port = server.proc.pid, server.rtmp_port
    with trio.fail_after(30):
        async with await hog(port):  # warm up: the first connection allocates the code paths
            pass
        before = rss(pid)
        hogs = [await hog(port) for _ in range(40)]
        grown = rss(pid) - before
        assert grown < 8 << 20, f"40 keyless connections grew ingest by {grown >> 10} KiB"
        # The old attack (a 16 MiB message before any publish) ends at the message header.
        big = await trio.open_tcp_stream("127.0.0.1", port)
        await big.send_all(setup_hog([0xFFFFFF])[:8192])
        await until_closed_by_server(big)
        async with watch(server.datadir, "stream.started") as events:
            proc = publish_test(server, "--duration", "2", "--size", "320x240")
            assert (await next_event(events)).type == "stream.started"
            assert await trio.to_thread.run_sync(proc.wait) == 0
        for stream in hogs:  # still open and answering: nothing closed them but the timeout
            await stream.send_all(ping(8))
            await receive_exactly(stream, 18)
            await stream.aclose()
    log = server.log.read_text()
    assert "message of 16777215 bytes exceeds the limit of 8192" in log
    assert "rtmp_buffer_budget_bytes" not in log


@pytest.fixture
def small_budget(datadir: Path) -> Iterator[RunningServer]:
    owncast("migrate", datadir=datadir, check=True)
    owncast("config", "set", "rtmp_buffer_budget_bytes", str(64 << 10), datadir=datadir, check=True)
    yield from without_transcoder(datadir)


async def test_over_the_budget_the_newest_connection_is_closed(small_budget: RunningServer) -> None:
    server = small_budget
    port = server.rtmp_port
    with trio.fail_after(30):
        hogs = [await hog(port) for _ in range(4)]  # 4 * 16,382 bytes: within the budget
        with pytest.raises((EOFError, trio.BrokenResourceError)):
            await hog(port)  # the fifth tips it over: the newest connection goes
        for stream in hogs:  # the older ones are untouched
            await stream.send_all(ping(9))
            await receive_exactly(stream, 18)
        await hogs.pop().aclose()  # its bytes are freed: a publisher fits again
        async with watch(server.datadir, "stream.started") as events:
            async with publisher(port) as live:
                assert live.client.publishing
                await start_media(live)
                assert (await next_event(events)).type == "stream.started"
                # Live, its own large messages are never held against it.
                await live.send("video", 40, b"\x17\x01\x00\x00\x00" + bytes(256 << 10))
                live.client.unpublish()
                await live.flush()
        for stream in hogs:
            await stream.aclose()
    log = server.log.read_text()
    assert ("all RTMP connections together were over rtmp_buffer_budget_bytes (65536); "
            "the newest is closed first") in log
