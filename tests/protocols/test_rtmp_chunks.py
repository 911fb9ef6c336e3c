"""RTMP chunk stream: header tables both ways, reassembly round trips, memory bounds."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owncast_cli.protocols.rtmp import ChunkReader, ChunkWriter, Message, RTMPProtocolError
from owncast_cli.protocols.rtmp.chunks import encode_basic_header

M = Message  # (chunk stream id, type id, message stream id, timestamp, body)


def hexb(text: str) -> bytes:
    return bytes.fromhex(text)


# (name, chunk size, messages, wire bytes). The writer must produce exactly these bytes,
# and the reader must turn them back into these messages.
CANONICAL: list[tuple[str, int, list[Message], str]] = [
    ("fmt0 one-byte csid", 128, [M(3, 20, 0, 1000, b"hello")],
     "03 0003e8 000005 14 00000000 68656c6c6f"),
    ("csid 63, largest one-byte form", 128, [M(63, 8, 1, 0, b"a")],
     "3f 000000 000001 08 01000000 61"),
    ("csid 64, two-byte form", 128, [M(64, 8, 1, 0, b"a")],
     "00 00 000000 000001 08 01000000 61"),
    ("csid 319, largest two-byte form", 128, [M(319, 8, 1, 0, b"a")],
     "00 ff 000000 000001 08 01000000 61"),
    ("csid 320, three-byte form", 128, [M(320, 8, 1, 0, b"a")],
     "01 00 01 000000 000001 08 01000000 61"),
    ("csid 65599, largest three-byte form", 128, [M(65599, 8, 1, 0, b"a")],
     "01 ff ff 000000 000001 08 01000000 61"),
    ("message stream id is little-endian", 128, [M(4, 9, 0x01020304, 0, b"")],
     "04 000000 000000 09 04030201"),
    ("fmt 0, then 1 (new length), 3 (same delta), 2 (new delta)", 128, [
        M(6, 9, 1, 0, hexb("aabbcc")),
        M(6, 9, 1, 33, hexb("11223344")),
        M(6, 9, 1, 66, hexb("55667788")),
        M(6, 9, 1, 100, hexb("99aabbcc")),
    ], "06 000000 000003 09 01000000 aabbcc"
       "46 000021 000004 09 11223344"
       "c6 55667788"
       "86 000022 99aabbcc"),
    ("split into chunks: fmt 3 continuations", 4, [M(4, 8, 1, 5, b"abcdefghij")],
     "04 000005 00000a 08 01000000 61626364 c4 65666768 c4 696a"),
    ("extended timestamps, also on fmt 3 continuations (RTMP spec 5.3.1.3)", 4, [
        M(4, 8, 1, 0x01000000, b"abcdef"),
        M(4, 8, 1, 0x01000010, b"ghijkl"),
        M(4, 8, 1, 0x02000010, b"mnopqr"),
        M(4, 8, 1, 0x03000010, b"stuvwx"),
    ], "04 ffffff 000006 08 01000000 01000000 61626364 c4 01000000 6566"
       "84 000010 6768696a c4 6b6c"
       "84 ffffff 01000000 6d6e6f70 c4 01000000 7172"
       "c4 01000000 73747576 c4 01000000 7778"),
    ("timestamps wrap at 2**32", 128, [
        M(4, 8, 1, 0xFFFFFFF0, b"a"),
        M(4, 8, 1, 0x10, b"b"),
    ], "04 ffffff 000001 08 01000000 fffffff0 61"
       "84 000020 62"),
    ("time going backwards starts over with fmt 0", 128, [
        M(4, 8, 1, 100, b"a"),
        M(4, 8, 1, 50, b"b"),
    ], "04 000064 000001 08 01000000 61"
       "04 000032 000001 08 01000000 62"),
    ("interleaved chunk streams", 2, [
        M(4, 8, 1, 0, b"abcd"),
        M(6, 9, 1, 0, b"wxyz"),
    ], "04 000000 000004 08 01000000 6162"
       "06 000000 000004 09 01000000 7778"
       "c4 6364 c6 797a"),
]


def write_interleaved(writer: ChunkWriter, messages: list[Message]) -> bytes:
    """Chunks of messages on different chunk streams alternate, as encoders interleave."""
    queues = [writer.chunks(*m) for m in messages]
    out = bytearray()
    if len({m.chunk_stream_id for m in messages}) == len(messages) and len(messages) > 1:
        while any(queues):
            for queue in queues:
                if queue:
                    out += queue.pop(0)
    else:
        for queue in queues:
            out += b"".join(queue)
    return bytes(out)


def read_all(reader: ChunkReader, data: bytes) -> list[Message]:
    reader.receive_data(data)
    out = []
    while (message := reader.next_message()) is not None:
        out.append(message)
    return out


@pytest.mark.parametrize(("name", "chunk_size", "messages", "wire"), CANONICAL,
                         ids=[case[0] for case in CANONICAL])
def test_canonical_both_ways(name: str, chunk_size: int, messages: list[Message],
                             wire: str) -> None:
    raw = hexb(wire)
    assert write_interleaved(ChunkWriter(chunk_size), messages) == raw
    decoded = read_all(ChunkReader(chunk_size), raw)
    assert sorted(decoded) == sorted(messages)
    # Byte by byte gives the same messages.
    reader = ChunkReader(chunk_size)
    one_by_one = [m for i in range(len(raw)) for m in read_all(reader, raw[i : i + 1])]
    assert one_by_one == decoded


# Valid but not what our writer produces.
DECODE_ONLY: list[tuple[str, int, str, list[Message]]] = [
    ("csid 100 in the three-byte form", 128, "01 24 00 000000 000001 08 01000000 61",
     [M(100, 8, 1, 0, b"a")]),
    ("fmt 3 continuation without the extended timestamp (old encoders)", 4,
     "04 ffffff 000006 08 01000000 01000000 61626364 c4 6566"
     "05 000000 000001 08 01000000 7a",  # (the check needs 4 bytes after the basic header)
     [M(4, 8, 1, 0x01000000, b"abcdef"), M(5, 8, 1, 0, b"z")]),
    ("fmt 3 after fmt 0 adds the fmt 0 timestamp, as ffmpeg writes it", 128,
     "04 000021 000001 08 01000000 61 c4 62",
     [M(4, 8, 1, 33, b"a"), M(4, 8, 1, 66, b"b")]),
    ("fmt 1 on a new chunk stream starts from zero", 128, "44 00000a 000001 09 61",
     [M(4, 9, 0, 10, b"a")]),
    ("empty messages need no payload", 128, "04 000000 000000 08 01000000 c4",
     [M(4, 8, 1, 0, b""), M(4, 8, 1, 0, b"")]),
]


@pytest.mark.parametrize(("name", "chunk_size", "wire", "messages"), DECODE_ONLY,
                         ids=[case[0] for case in DECODE_ONLY])
def test_decode_only(name: str, chunk_size: int, wire: str, messages: list[Message]) -> None:
    assert read_all(ChunkReader(chunk_size), hexb(wire)) == messages


@pytest.mark.parametrize(("fmt", "csid", "wire"), [
    (0, 2, "02"), (3, 63, "ff"), (1, 64, "40 00"), (2, 319, "80 ff"),
    (0, 320, "01 00 01"), (3, 65599, "c1 ff ff"),
])
def test_basic_header(fmt: int, csid: int, wire: str) -> None:
    assert encode_basic_header(fmt, csid) == hexb(wire)


def test_basic_header_range() -> None:
    for csid in (0, 1, 65600):
        with pytest.raises(ValueError):
            encode_basic_header(0, csid)


def test_abort_drops_the_partial_message() -> None:
    reader = ChunkReader(4)
    assert read_all(reader, hexb("04 000000 00000a 08 01000000 61626364")) == []
    reader.abort(4)
    assert read_all(reader, hexb("04 000000 000001 08 01000000 7a")) == [M(4, 8, 1, 0, b"z")]


def test_new_header_inside_a_message_is_an_error() -> None:
    reader = ChunkReader(4)
    read_all(reader, hexb("04 000000 00000a 08 01000000 61626364"))
    with pytest.raises(RTMPProtocolError):
        read_all(reader, hexb("44 000000 000001 08 7a"))


def test_message_over_the_limit_is_refused() -> None:
    reader = ChunkReader(max_message_size=1000)
    with pytest.raises(RTMPProtocolError):
        read_all(reader, hexb("04 000000 0007d0 08 01000000"))


def test_too_many_chunk_streams() -> None:
    reader = ChunkReader()
    data = b"".join(encode_basic_header(0, 100 + i) + hexb("000000 000001 08 01000000 61")
                    for i in range(64))
    assert len(read_all(reader, data)) == 64
    with pytest.raises(RTMPProtocolError):
        read_all(reader, encode_basic_header(0, 5) + hexb("000000 000001 08 01000000 61"))


def test_declared_16_mib_message_allocates_only_what_arrived() -> None:
    reader = ChunkReader()
    reader.chunk_size = 0x7FFFFFFF  # one chunk for the whole message
    header = hexb("04 000000 ffffff 09 01000000")  # 16 MiB - 1 declared
    tracemalloc.start()
    try:
        reader.receive_data(header)
        assert reader.next_message() is None
        piece = bytes(64 * 1024)
        for i in range(1, 17):
            reader.receive_data(piece)
            assert reader.next_message() is None
            assert reader.buffered == i * len(piece)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # 1 MiB arrived; nowhere near 16 MiB reserved


def test_large_message_completes() -> None:
    writer, reader = ChunkWriter(60000), ChunkReader(60000)
    body = bytes(range(256)) * 4096
    data = writer.write(6, 9, 1, 7, body)
    out = [m for i in range(0, len(data), 65536) for m in read_all(reader, data[i : i + 65536])]
    assert out == [M(6, 9, 1, 7, body)]
    assert reader.buffered == 0


messages_strategy = st.lists(
    st.builds(
        Message,
        st.sampled_from([2, 3, 4, 6, 63, 64, 200, 319, 320, 1000, 65599]),
        st.sampled_from([8, 9, 18, 20]),
        st.sampled_from([0, 1, 7]),
        st.one_of(st.integers(0, 100_000), st.integers(0, 0xFFFFFFFF)),
        st.binary(max_size=700),
    ),
    max_size=20,
)


@settings(max_examples=200, deadline=None)
@given(messages_strategy, st.integers(1, 1500), st.randoms(use_true_random=False),
       st.integers(1, 400))
def test_round_trip_random_messages(messages: list[Message], chunk_size: int,
                                    rnd: object, piece: int) -> None:
    import random as _random
    assert isinstance(rnd, _random.Random)
    writer = ChunkWriter(chunk_size)
    # Per chunk stream: its messages' chunks in order; streams interleave at random.
    pending: dict[int, list[bytes]] = {}
    for m in messages:
        pending.setdefault(m.chunk_stream_id, []).extend(writer.chunks(*m))
    wire = bytearray()
    while pending:
        csid = rnd.choice(sorted(pending))
        wire += pending[csid].pop(0)
        if not pending[csid]:
            del pending[csid]
    reader = ChunkReader(chunk_size)
    got = [m for i in range(0, len(wire), piece) for m in read_all(reader, bytes(wire[i : i + piece]))]
    for csid in {m.chunk_stream_id for m in messages}:
        assert [m for m in got if m.chunk_stream_id == csid] == [
            m for m in messages if m.chunk_stream_id == csid]
    assert len(got) == len(messages)
    assert reader.buffered == 0


@pytest.mark.parametrize("first", [b"\xff", b"\xc3", b"\x83\x00\x00\x01"])
def test_a_chunk_stream_cannot_start_with_a_type_2_or_3_header(first: bytes) -> None:
    reader = ChunkReader()
    reader.receive_data(first + b"\x00" * 16)
    with pytest.raises(RTMPProtocolError, match="starts with a type"):
        reader.next_message()
