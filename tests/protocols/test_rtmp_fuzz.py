"""Fuzzing the server connection: mutated sessions (recorded from real ffmpeg, and synthetic ones)
and random bytes only ever raise RTMPProtocolError, and a connection holds bounded memory.

Time-boxed for CI (bounded examples, ~10 s in all); bench/rtmp_fuzz.py runs the same cases for
as long as it is told.
"""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from owncast_cli.protocols.rtmp import (
    MessageType,
    MetadataReceived,
    PublishRequested,
    RTMPProtocolError,
    RTMPServerConnection,
    VideoReceived,
)
from owncast_cli.protocols.rtmp.chunks import ChunkReader

from .rtmp_helpers import publish_session
from .rtmp_mutations import (
    CHUNK_SIZES,
    HANDSHAKE,
    HUGE_HEADER,
    SETUP_BOUND,
    TIMESTAMPS,
    encode,
    mutate_bytes,
    recorded,
    recorded_bytes,
    run_case,
)


@cache
def sessions() -> tuple[bytes, ...]:
    return (
        publish_session(chunk_size=128, ffmpeg_csids=True, frames=6),
        publish_session(chunk_size=4096, ffmpeg_csids=False, frames=6, digest=True),
        publish_session(chunk_size=60, ffmpeg_csids=False, frames=4),
    )


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


def test_recorded_ffmpeg_sessions_publish_unchanged_and_re_encoded() -> None:
    """The fixtures are real: ffmpeg 9 and 5.1 publishing a second of H.264 + AAC to live/abc123.
    Re-encoding their messages (as every message-level mutation does) keeps them valid."""
    raw = recorded_bytes()
    assert sorted(raw) == ["ffmpeg5-publish.rtmp", "ffmpeg9-publish.rtmp"]
    for data in [*raw.values(), *(encode(session, []) for session in recorded())]:
        server = RTMPServerConnection()
        server.receive_data(data)
        events = []
        for event in server.events():
            events.append(event)
            if isinstance(event, PublishRequested):
                assert (event.app, event.stream_name) == ("live", "abc123")
                server.accept_publish()
        kinds = {type(e).__name__ for e in events}
        assert {"Connected", "PublishRequested", "MetadataReceived", "VideoReceived",
                "AudioReceived", "UnpublishRequested", "StreamDeleted"} <= kinds
        metadata = next(e for e in events if isinstance(e, MetadataReceived)).metadata
        assert str(metadata["encoder"]).startswith("Lavf")
        assert run_case(data, [1500] * 20, True).error == ""


def _events(data: bytes) -> list[object]:
    server = RTMPServerConnection()
    server.receive_data(data)
    events: list[object] = []
    for event in server.events():
        events.append(event)
        if isinstance(event, PublishRequested):
            server.accept_publish()
    return events


def test_message_changes_do_what_they_say() -> None:
    session = recorded()[1]
    video = next(i for i, m in enumerate(session.messages) if m.type_id == MessageType.VIDEO)
    # An extended timestamp (RTMP spec 5.3.1.3) round-trips, continuation chunks included.
    for ts in TIMESTAMPS:
        got = [e for e in _events(encode(session, [("timestamp", video, ts)]))
               if isinstance(e, VideoReceived)]
        assert got[0].timestamp == ts and len(got) == 1 + sum(
            m.type_id == MessageType.VIDEO for m in session.messages)
    # Unknown message types are ignored (RTMP spec 7.1); the publish goes on.
    kinds = {type(e).__name__ for e in _events(encode(session, [("unknown_type", video, (99, 70, b"x" * 64))]))}
    assert {"PublishRequested", "VideoReceived", "StreamDeleted"} <= kinds
    # Absurd chunk sizes: 0 and bit 31 are refused; 1 and 2**31 - 1 work.
    for size in (0, 0x80000000, 0xFFFFFFFF):
        with pytest.raises(RTMPProtocolError, match="invalid chunk size"):
            _events(encode(session, [("chunk_size", 3, size)]))
    for size in (1, 0x7FFFFFFF):
        assert "StreamDeleted" in {type(e).__name__ for e in _events(encode(session, [("chunk_size", 3, size)]))}
    # A 16 MiB header before publishing ends the connection at once.
    with pytest.raises(RTMPProtocolError, match="exceeds the limit of 8192"):
        _events(encode(session, [("raw", 3, HUGE_HEADER)]))


#: Message-level changes to a recorded session (see rtmp_mutations.encode).
message_change = st.one_of(
    st.tuples(st.just("chunk_size"), st.integers(0, 10**4),
              st.one_of(st.sampled_from(CHUNK_SIZES), st.integers(0, 2**32 - 1))),
    st.tuples(st.just("timestamp"), st.integers(0, 10**4),
              st.one_of(st.sampled_from(TIMESTAMPS), st.integers(0, 2**32 - 1))),
    st.tuples(st.just("unknown_type"), st.integers(0, 10**4),
              st.tuples(st.sampled_from([0, 7, 10, 11, 12, 13, 14, 16, 19, 21, 23, 99, 255]),
                        st.integers(2, 65599), st.binary(max_size=64))),
    st.tuples(st.just("abort"), st.integers(0, 10**4), st.integers(0, 2**32 - 1)),
    st.tuples(st.just("drop"), st.integers(0, 10**4), st.none()),
    st.tuples(st.just("repeat"), st.integers(0, 10**4), st.none()),
    st.tuples(st.just("raw"), st.integers(0, 10**4), st.just(HUGE_HEADER)),
)

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("set"), st.integers(0, 10**6), st.integers(0, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 64)),
    st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2), st.lists(mutation, min_size=1, max_size=6),
       st.lists(st.integers(1, 3000), max_size=20), st.booleans())
def test_mutated_sessions(which: int, mutations: list[tuple[str, int, object]],
                          pieces: list[int], accept: bool) -> None:
    run_case(mutate_bytes(sessions()[which], mutations), pieces, accept)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 1), st.lists(message_change, max_size=5), st.lists(mutation, max_size=4),
       st.lists(st.integers(1, 3000), max_size=20), st.booleans())
def test_mutated_ffmpeg_sessions(which: int, changes: list[tuple[str, int, object]],
                                 mutations: list[tuple[str, int, object]], pieces: list[int],
                                 accept: bool) -> None:
    """Each case ends the connection at most (RTMPProtocolError, never another exception), and
    the connection never holds more than SETUP_BOUND bytes (16 KiB + 64) before its publish is
    accepted, nor more than it was sent (run_case asserts both after every read)."""
    data = mutate_bytes(encode(recorded()[which], changes), mutations)
    outcome = run_case(data, pieces, accept)
    if not outcome.published:
        assert outcome.max_held <= SETUP_BOUND == 16_448


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(1, 500), max_size=10))
def test_random_bytes_after_a_valid_handshake(tail: bytes, pieces: list[int]) -> None:
    run_case(sessions()[0][:HANDSHAKE] + tail, pieces, True)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes(data: bytes) -> None:
    run_case(data, [], True)


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
