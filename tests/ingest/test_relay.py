"""The FLV cache and the relay to the transcoder, with in-memory streams."""

from __future__ import annotations

import socket

import trio
import trio.testing

from owncast_cli.ingest import relay as relay_module
from owncast_cli.ingest.flvcache import FLVCache
from owncast_cli.ingest.relay import Relay
from owncast_cli.protocols.flv import FLVHeader, FLVReader, FLVTag, TagType

AVC_CONFIG = b"\x17\x00\x00\x00\x00\x01\x64\x00\x1f"
AVC_KEY = b"\x17\x01\x00\x00\x00" + b"K" * 100
AVC_INTER = b"\x27\x01\x00\x00\x00" + b"P" * 50
AAC_CONFIG = b"\xaf\x00\x11\x90"
AAC_FRAME = b"\xaf\x01" + b"A" * 20


def parse(data: bytes) -> list[FLVHeader | FLVTag]:
    reader = FLVReader()
    reader.receive_data(data)
    items = []
    while (item := reader.next_item()) is not None:
        items.append(item)
    return items


def test_preamble_has_header_config_and_current_gop() -> None:
    cache = FLVCache()
    cache.metadata_tag(0, b"\x02\x00\x0aonMetaData\x08\x00\x00\x00\x00\x00\x00\x09")
    cache.video_tag(0, AVC_CONFIG, keyframe=False, config=True)
    cache.audio_tag(0, AAC_CONFIG, config=True)
    cache.video_tag(0, AVC_KEY, keyframe=True, config=False)
    cache.video_tag(33, AVC_INTER, keyframe=False, config=False)
    cache.video_tag(2000, AVC_KEY, keyframe=True, config=False)  # a new GOP replaces the old one
    cache.audio_tag(2010, AAC_FRAME, config=False)
    items = parse(cache.preamble())
    assert isinstance(items[0], FLVHeader) and items[0].has_audio and items[0].has_video
    tags = [(t.tag_type, t.timestamp, t.body) for t in items[1:]]  # type: ignore[union-attr]
    assert [t[0] for t in tags] == [TagType.SCRIPT, TagType.VIDEO, TagType.AUDIO, TagType.VIDEO, TagType.AUDIO]
    assert tags[3] == (TagType.VIDEO, 2000, AVC_KEY) and tags[4][1] == 2010


def socket_pair(buffer: int | None = None) -> tuple[trio.SocketStream, trio.SocketStream]:
    """A real Unix socket pair, as the relay writes to the transcoder's connection."""
    a, b = trio.socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    if buffer is not None:
        for sock in (a, b):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, buffer)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, buffer)
    return trio.SocketStream(a), trio.SocketStream(b)


async def read_all(stream: trio.abc.Stream) -> bytes:
    chunks = []
    while data := await stream.receive_some(65536):
        chunks.append(data)
    return b"".join(chunks)


async def test_reader_gets_stream_then_eof_and_a_new_reader_replaces_the_old() -> None:
    drops: list[int] = []
    relay = Relay(drops.append)
    cache = FLVCache()
    cache.video_tag(0, AVC_CONFIG, keyframe=False, config=True)
    with trio.fail_after(5):
        async with trio.open_nursery() as nursery:
            first_server, first_client = socket_pair()
            nursery.start_soon(relay.handle_reader, first_server)
            await trio.testing.wait_all_tasks_blocked()
            second_server, second_client = socket_pair()
            nursery.start_soon(relay.handle_reader, second_server)
            assert await read_all(first_client) == b""  # replaced: closed with nothing sent
            relay.start(cache.preamble)
            relay.push(cache.video_tag(0, AVC_KEY, keyframe=True, config=False), keyframe=True)
            relay.push(cache.video_tag(40, AVC_INTER, keyframe=False, config=False), keyframe=False)
            relay.flush()
            relay.end()
            items = parse(await read_all(second_client))
            assert [getattr(i, "timestamp", None) for i in items] == [None, 0, 0, 40]
    assert drops == []


async def test_slow_reader_loses_media_up_to_a_keyframe_never_blocks(monkeypatch) -> None:
    monkeypatch.setattr(relay_module, "MAX_QUEUED", 300)  # about four tags beyond the socket's buffer
    drops: list[int] = []
    relay = Relay(drops.append)
    cache = FLVCache()
    with trio.fail_after(5):
        async with trio.open_nursery() as nursery:
            server, client = socket_pair(buffer=4096)  # a stalled transcoder: nobody reads yet
            nursery.start_soon(relay.handle_reader, server)
            await trio.testing.wait_all_tasks_blocked()
            relay.start(cache.preamble)
            # These calls must return at once, dropping what neither the socket nor the queue takes.
            for ts in range(0, 40_000, 40):
                relay.push(cache.video_tag(ts, AVC_INTER, keyframe=False, config=False), keyframe=False)
                relay.flush()
            received: list[bytes] = []

            async def reader() -> None:
                received.append(await read_all(client))

            nursery.start_soon(reader)
            await trio.testing.wait_all_tasks_blocked()  # the reader catches up
            relay.push(cache.video_tag(40_000, AVC_INTER, keyframe=False, config=False), keyframe=False)
            relay.push(cache.video_tag(40_040, AVC_KEY, keyframe=True, config=False), keyframe=True)
            relay.end()
        items = parse(received[0])
    timestamps = [getattr(i, "timestamp", None) for i in items]
    assert timestamps[-1] == 40_040 and 40_000 not in timestamps  # skipped up to the keyframe
    assert len(timestamps) < 1000 and drops and drops[0] > 0
    assert timestamps[1:] == sorted(timestamps[1:])  # what did arrive is in order
