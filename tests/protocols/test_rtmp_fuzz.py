"""Fuzzing the server connection: random and mutated publish sessions only raise RTMPProtocolError."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owncast_cli.protocols.rtmp import (
    PublishRequested,
    RTMPProtocolError,
    RTMPServerConnection,
    parse_audio_tag,
    parse_video_tag,
)
from owncast_cli.protocols.rtmp.chunks import ChunkReader
from owncast_cli.protocols.rtmp.handshake import BLOCK_SIZE

from .rtmp_helpers import publish_session, seeded_random

HANDSHAKE = 1 + 2 * BLOCK_SIZE


@cache
def sessions() -> tuple[bytes, ...]:
    return (
        publish_session(chunk_size=128, ffmpeg_csids=True, frames=6),
        publish_session(chunk_size=4096, ffmpeg_csids=False, frames=6, digest=True),
        publish_session(chunk_size=60, ffmpeg_csids=False, frames=4),
    )


def feed(data: bytes, pieces: list[int], accept: bool) -> None:
    """Run a server over `data`; the only exception allowed out is RTMPProtocolError."""
    server = RTMPServerConnection(random_bytes=seeded_random(3))
    offset = 0
    sizes = iter(pieces)
    try:
        while offset < len(data):
            size = next(sizes, 4096)
            server.receive_data(data[offset : offset + size])
            offset += size
            for event in server.events():
                if isinstance(event, PublishRequested):
                    server.accept_publish() if accept else server.reject_publish()
                payload = getattr(event, "payload", None)
                if isinstance(payload, bytes):  # the helpers must cope with anything too
                    parse_video_tag(payload)
                    parse_audio_tag(payload)
            server.data_to_send()
        server.receive_data(b"")
        list(server.events())
    except RTMPProtocolError:
        pass


def test_valid_sessions_publish() -> None:
    for data in sessions():
        server = RTMPServerConnection()
        kinds = set()
        server.receive_data(data)
        for event in server.events():
            kinds.add(type(event).__name__)
            if isinstance(event, PublishRequested):
                server.accept_publish()
        assert {"PublishRequested", "VideoReceived", "AudioReceived", "MetadataReceived",
                "StreamDeleted"} <= kinds


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
)


def mutate(data: bytes, mutations: list[tuple[str, int, object]]) -> bytes:
    out = bytearray(data)
    for kind, where, arg in mutations:
        # Most mutations land after the handshake, where the chunk stream starts.
        if where % 8:
            position = HANDSHAKE + where % max(1, len(out) - HANDSHAKE)
        else:
            position = where % max(1, len(out))
        if kind == "flip" and position < len(out):
            out[position] ^= int(arg)  # type: ignore[call-overload]
        elif kind == "set" and position < len(out):
            out[position] = int(arg)  # type: ignore[call-overload]
        elif kind == "insert":
            out[position:position] = arg  # type: ignore[assignment]
        elif kind == "delete":
            del out[position : position + int(arg)]  # type: ignore[call-overload]
        elif kind == "truncate":
            del out[position:]
    return bytes(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2), st.lists(mutation, min_size=1, max_size=6),
       st.lists(st.integers(1, 3000), max_size=20), st.booleans())
def test_mutated_sessions(which: int, mutations: list[tuple[str, int, object]],
                          pieces: list[int], accept: bool) -> None:
    feed(mutate(sessions()[which], mutations), pieces, accept)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(1, 500), max_size=10))
def test_random_bytes_after_a_valid_handshake(tail: bytes, pieces: list[int]) -> None:
    feed(sessions()[0][:HANDSHAKE] + tail, pieces, True)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes(data: bytes) -> None:
    feed(data, [], True)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.integers(1, 300))
def test_chunk_reader_on_random_bytes(data: bytes, chunk_size: int) -> None:
    reader = ChunkReader(chunk_size)
    reader.receive_data(data)
    try:
        while reader.next_message() is not None:
            pass
    except RTMPProtocolError:
        pass
