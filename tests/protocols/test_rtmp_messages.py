"""Protocol control and user control message bodies: tables both ways, bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from owncast_cli.protocols.rtmp import RTMPProtocolError
from owncast_cli.protocols.rtmp import messages as m
from owncast_cli.protocols.rtmp.messages import PeerBandwidthLimit, UserControlEvent

# (encoder, its arguments, wire bytes, parser, what the parser returns)
TABLE: list[tuple[Callable[..., bytes], tuple[Any, ...], str, Callable[[bytes], Any], Any]] = [
    (m.set_chunk_size, (4096,), "00001000", m.parse_set_chunk_size, 4096),
    (m.set_chunk_size, (0x7FFFFFFF,), "7fffffff", m.parse_set_chunk_size, 0x7FFFFFFF),
    (m.abort, (6,), "00000006", m.parse_abort, 6),
    (m.acknowledgement, (5_000_000,), "004c4b40", m.parse_acknowledgement, 5_000_000),
    (m.acknowledgement, (2**32 + 5,), "00000005", m.parse_acknowledgement, 5),  # wraps
    (m.window_ack_size, (2_500_000,), "002625a0", m.parse_window_ack_size, 2_500_000),
    (m.set_peer_bandwidth, (5_000_000, PeerBandwidthLimit.DYNAMIC), "004c4b40 02",
     m.parse_set_peer_bandwidth, (5_000_000, 2)),
    (m.set_peer_bandwidth, (1, PeerBandwidthLimit.HARD), "00000001 00",
     m.parse_set_peer_bandwidth, (1, 0)),
    (m.user_control, (UserControlEvent.STREAM_BEGIN, 1), "0000 00000001",
     m.parse_user_control, (0, (1,))),
    (m.user_control, (UserControlEvent.PING_REQUEST, 123456), "0006 0001e240",
     m.parse_user_control, (6, (123456,))),
    (m.user_control, (UserControlEvent.PING_RESPONSE, 7), "0007 00000007",
     m.parse_user_control, (7, (7,))),
    (m.user_control, (UserControlEvent.SET_BUFFER_LENGTH, 1, 3000), "0003 00000001 00000bb8",
     m.parse_user_control, (3, (1, 3000))),
    (m.user_control, (UserControlEvent.STREAM_EOF, 1), "0001 00000001",
     m.parse_user_control, (1, (1,))),
]


@pytest.mark.parametrize(("encode", "args", "wire", "parse", "parsed"), TABLE)
def test_control_messages_both_ways(encode: Callable[..., bytes], args: tuple[Any, ...],
                                    wire: str, parse: Callable[[bytes], Any],
                                    parsed: Any) -> None:
    raw = bytes.fromhex(wire)
    assert encode(*args) == raw
    assert parse(raw) == parsed


@pytest.mark.parametrize("wire", ["00000000", "80000000", "ffffffff", "0010", ""])
def test_invalid_chunk_sizes_are_refused(wire: str) -> None:
    # RTMP spec 5.4.1: at least 1, and bit 31 must be zero.
    with pytest.raises(RTMPProtocolError):
        m.parse_set_chunk_size(bytes.fromhex(wire))


@pytest.mark.parametrize("parse", [m.parse_abort, m.parse_acknowledgement,
                                   m.parse_window_ack_size, m.parse_set_peer_bandwidth,
                                   m.parse_user_control])
def test_short_bodies_are_protocol_errors(parse: Callable[[bytes], Any]) -> None:
    with pytest.raises(RTMPProtocolError):
        parse(b"\x00")


def test_encoder_refuses_bad_chunk_size() -> None:
    for size in (0, 0x80000000):
        with pytest.raises(ValueError):
            m.set_chunk_size(size)


def test_aggregate_split() -> None:
    # RTMP spec 7.1.6: FLV-style sub-tags with back pointers; times relative to the first.
    body = bytes.fromhex(
        "08 000002 000064 00 000000 af01 0000000d"
        "09 000003 000085 00 000000 270100 0000000e"
    )
    assert m.split_aggregate(body, 1000) == [
        m.SubMessage(8, 1000, b"\xaf\x01"),
        m.SubMessage(9, 1033, b"\x27\x01\x00"),
    ]
    with pytest.raises(RTMPProtocolError):
        m.split_aggregate(body[:5], 0)
    with pytest.raises(RTMPProtocolError):
        m.split_aggregate(bytes.fromhex("08 0000ff 000000 00 000000 00"), 0)
