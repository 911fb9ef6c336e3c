"""FLV muxing: header and tag bytes both ways, incremental reading, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owncast_cli.protocols.flv import (
    FLVDecodeError,
    FLVHeader,
    FLVReader,
    FLVTag,
    TagType,
    flv_header,
    flv_tag,
)


@pytest.mark.parametrize(("audio", "video", "wire"), [
    (True, True, "464c56 01 05 00000009 00000000"),
    (True, False, "464c56 01 04 00000009 00000000"),
    (False, True, "464c56 01 01 00000009 00000000"),
])
def test_header_both_ways(audio: bool, video: bool, wire: str) -> None:
    raw = bytes.fromhex(wire)
    assert flv_header(audio, video) == raw
    reader = FLVReader()
    reader.receive_data(raw)
    assert reader.next_item() == FLVHeader(1, audio, video)
    assert reader.next_item() is None


# (type, timestamp, body, wire): FLV spec E.4.1, timestamp low 24 bits then the high byte.
TAGS = [
    (TagType.VIDEO, 0, b"\x17\x00", "09 000002 000000 00 000000 1700 0000000d"),
    (TagType.AUDIO, 1000, b"\xaf", "08 000001 0003e8 00 000000 af 0000000c"),
    (TagType.SCRIPT, 0x12345678, b"", "12 000000 345678 12 000000 0000000b"),
    (TagType.VIDEO, 0xFFFFFFFF, b"x", "09 000001 ffffff ff 000000 78 0000000c"),
]


@pytest.mark.parametrize(("tag_type", "timestamp", "body", "wire"), TAGS)
def test_tag_both_ways(tag_type: int, timestamp: int, body: bytes, wire: str) -> None:
    raw = bytes.fromhex(wire)
    assert flv_tag(tag_type, timestamp, body) == raw
    reader = FLVReader(strict=True)
    reader.receive_data(flv_header() + raw)
    reader.next_item()
    assert reader.next_item() == FLVTag(tag_type, timestamp, body)


def test_timestamp_wraps_like_rtmp() -> None:
    assert flv_tag(9, 2**32 + 5, b"") == flv_tag(9, 5, b"")


def test_reader_is_incremental_and_checks_sizes() -> None:
    tags = [FLVTag(9, 33 * i, bytes([i]) * i) for i in range(20)]
    stream = flv_header() + b"".join(flv_tag(t.tag_type, t.timestamp, t.body) for t in tags)
    reader = FLVReader(strict=True)
    items: list[object] = []
    for i in range(len(stream)):
        reader.receive_data(stream[i : i + 1])
        while (item := reader.next_item()) is not None:
            items.append(item)
    assert items == [FLVHeader(1, True, True), *tags]
    reader.finish()


@pytest.mark.parametrize("stream", [
    b"FLX\x01\x05\x00\x00\x00\x09",
    b"GIF89a",
    b"FLV\x01\x05\x00\x00\x00\x02",  # DataOffset smaller than the header
    b"FLV\x01\x05\xff\xff\xff\xff",  # DataOffset absurdly large
])
def test_not_flv(stream: bytes) -> None:
    reader = FLVReader()
    reader.receive_data(stream)
    with pytest.raises(FLVDecodeError):
        reader.next_item()


def test_strict_previous_tag_size_mismatch() -> None:
    first, second = flv_tag(9, 0, b"ab"), flv_tag(9, 40, b"cd")
    bad = flv_header() + first[:-4] + b"\x00\x00\x00\x05" + second  # PreviousTagSize1 wrong
    lenient = FLVReader()
    lenient.receive_data(bad)
    assert [lenient.next_item() for _ in range(3)][1:] == [FLVTag(9, 0, b"ab"),
                                                          FLVTag(9, 40, b"cd")]
    strict = FLVReader(strict=True)
    strict.receive_data(bad)
    strict.next_item()
    strict.next_item()
    with pytest.raises(FLVDecodeError):
        strict.next_item()


def test_tag_too_large() -> None:
    with pytest.raises(ValueError):
        flv_tag(9, 0, bytes(0x1000000))
    reader = FLVReader(max_tag_size=10)
    reader.receive_data(flv_header() + flv_tag(9, 0, bytes(11)))
    reader.next_item()
    with pytest.raises(FLVDecodeError):
        reader.next_item()


@settings(max_examples=100)
@given(st.lists(st.tuples(st.sampled_from([8, 9, 18]), st.integers(0, 2**32 - 1),
                          st.binary(max_size=300)), max_size=15),
       st.integers(1, 64))
def test_round_trip(tags: list[tuple[int, int, bytes]], piece: int) -> None:
    stream = flv_header() + b"".join(flv_tag(*t) for t in tags)
    reader = FLVReader(strict=True)
    items = []
    for i in range(0, len(stream), piece):
        reader.receive_data(stream[i : i + piece])
        while (item := reader.next_item()) is not None:
            items.append(item)
    assert items == [FLVHeader(1, True, True), *(FLVTag(*t) for t in tags)]
    reader.finish()
