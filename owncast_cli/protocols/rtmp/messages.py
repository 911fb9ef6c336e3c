"""RTMP message type numbers and the protocol control / user control message bodies."""

from __future__ import annotations

import struct
from enum import IntEnum
from typing import Final, NamedTuple

from .errors import RTMPProtocolError

__all__ = [
    "CONTROL_CHUNK_STREAM",
    "MAX_CHUNK_SIZE",
    "MessageType",
    "PeerBandwidthLimit",
    "SubMessage",
    "UserControl",
    "UserControlEvent",
    "abort",
    "acknowledgement",
    "parse_abort",
    "parse_acknowledgement",
    "parse_set_chunk_size",
    "parse_set_peer_bandwidth",
    "parse_user_control",
    "parse_window_ack_size",
    "set_chunk_size",
    "set_peer_bandwidth",
    "split_aggregate",
    "user_control",
    "window_ack_size",
]


class MessageType(IntEnum):
    """RTMP spec 5.4 (protocol control), 6.2 (user control) and 7.1 (RTMP message types)."""

    SET_CHUNK_SIZE = 1
    ABORT = 2
    ACKNOWLEDGEMENT = 3
    USER_CONTROL = 4
    WINDOW_ACK_SIZE = 5
    SET_PEER_BANDWIDTH = 6
    AUDIO = 8
    VIDEO = 9
    DATA_AMF3 = 15
    SHARED_OBJECT_AMF3 = 16
    COMMAND_AMF3 = 17
    DATA_AMF0 = 18
    SHARED_OBJECT_AMF0 = 19
    COMMAND_AMF0 = 20
    AGGREGATE = 22


class UserControlEvent(IntEnum):
    """RTMP spec 7.1.7: the event type in the first two bytes of a User Control message."""

    STREAM_BEGIN = 0
    STREAM_EOF = 1
    STREAM_DRY = 2
    SET_BUFFER_LENGTH = 3
    STREAM_IS_RECORDED = 4
    PING_REQUEST = 6
    PING_RESPONSE = 7


class PeerBandwidthLimit(IntEnum):
    """RTMP spec 5.4.5: the limit type of Set Peer Bandwidth."""

    HARD = 0
    SOFT = 1
    DYNAMIC = 2


# RTMP spec 5.4: protocol control messages use chunk stream 2 and message stream 0.
CONTROL_CHUNK_STREAM: Final = 2
# RTMP spec 5.4.1: the chunk size is 31 bits; bit 31 must be zero.
MAX_CHUNK_SIZE: Final = 0x7FFFFFFF

_U32: Final = struct.Struct(">I")
_U16: Final = struct.Struct(">H")
_PEER_BW: Final = struct.Struct(">IB")
_AGGREGATE_HEADER: Final = struct.Struct(">BHBHBBHB")  # type, size, ts, ts_ext, stream id


def _u32(body: bytes, what: str) -> int:
    if len(body) < 4:
        raise RTMPProtocolError(f"{what} message too short ({len(body)} bytes)")
    value: int = _U32.unpack_from(body)[0]
    return value


def set_chunk_size(size: int) -> bytes:
    """Body of Set Chunk Size (RTMP spec 5.4.1)."""
    if not 1 <= size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk size {size} outside 1..0x7FFFFFFF")
    return _U32.pack(size)


def parse_set_chunk_size(body: bytes) -> int:
    """Read a Set Chunk Size body; refuses 0 and sizes with bit 31 set (RTMP spec 5.4.1)."""
    size = _u32(body, "Set Chunk Size")
    if size == 0 or size > MAX_CHUNK_SIZE:
        raise RTMPProtocolError(f"invalid chunk size {size}")
    return size


def abort(chunk_stream_id: int) -> bytes:
    """Body of Abort Message (RTMP spec 5.4.2)."""
    return _U32.pack(chunk_stream_id)


def parse_abort(body: bytes) -> int:
    """The chunk stream id whose partial message the peer abandons."""
    return _u32(body, "Abort")


def acknowledgement(sequence_number: int) -> bytes:
    """Body of Acknowledgement (RTMP spec 5.4.3): bytes received so far, modulo 2**32."""
    return _U32.pack(sequence_number & 0xFFFFFFFF)


def parse_acknowledgement(body: bytes) -> int:
    return _u32(body, "Acknowledgement")


def window_ack_size(size: int) -> bytes:
    """Body of Window Acknowledgement Size (RTMP spec 5.4.4)."""
    return _U32.pack(size)


def parse_window_ack_size(body: bytes) -> int:
    return _u32(body, "Window Acknowledgement Size")


def set_peer_bandwidth(size: int, limit: PeerBandwidthLimit = PeerBandwidthLimit.DYNAMIC) -> bytes:
    """Body of Set Peer Bandwidth (RTMP spec 5.4.5)."""
    return _PEER_BW.pack(size, limit)


def parse_set_peer_bandwidth(body: bytes) -> tuple[int, int]:
    """The window size and the raw limit type byte."""
    if len(body) < 5:
        raise RTMPProtocolError(f"Set Peer Bandwidth message too short ({len(body)} bytes)")
    size, limit = _PEER_BW.unpack_from(body)
    return size, limit


def user_control(event: UserControlEvent, *values: int) -> bytes:
    """Body of a User Control message (RTMP spec 7.1.7): event type then 32-bit values.

    Stream Begin / EOF / Dry / Is Recorded take a stream id, Ping Request / Response a
    timestamp, Set Buffer Length a stream id and a length in milliseconds.
    """
    return _U16.pack(event) + b"".join(_U32.pack(v & 0xFFFFFFFF) for v in values)


class UserControl(NamedTuple):
    """A parsed User Control message: the event type and its 32-bit values."""

    event: int
    values: tuple[int, ...]


def parse_user_control(body: bytes) -> UserControl:
    """Read a User Control body; the values are whatever whole 32-bit words follow."""
    if len(body) < 2:
        raise RTMPProtocolError(f"User Control message too short ({len(body)} bytes)")
    event = _U16.unpack_from(body)[0]
    values = tuple(_U32.unpack_from(body, 2 + 4 * i)[0] for i in range((len(body) - 2) // 4))
    return UserControl(event, values)


class SubMessage(NamedTuple):
    """One message carried inside an Aggregate message."""

    type_id: int
    timestamp: int
    body: bytes


def split_aggregate(body: bytes, timestamp: int) -> list[SubMessage]:
    """Split an Aggregate message (RTMP spec 7.1.6) into its sub-messages.

    Each sub-message is an FLV-style tag followed by a 4-byte back pointer. RTMP spec 7.1.6:
    sub-message timestamps are relative to the first one, which maps to the aggregate's own
    timestamp.
    """
    out: list[SubMessage] = []
    offset = 0
    first: int | None = None
    while offset < len(body):
        if len(body) - offset < _AGGREGATE_HEADER.size:
            raise RTMPProtocolError("truncated Aggregate sub-message header")
        type_id, size_hi, size_lo, ts_hi, ts_lo, ts_ext, _, _ = _AGGREGATE_HEADER.unpack_from(
            body, offset
        )
        size = size_hi << 8 | size_lo
        sub_ts = ts_ext << 24 | ts_hi << 8 | ts_lo
        start = offset + _AGGREGATE_HEADER.size
        if start + size > len(body):
            raise RTMPProtocolError("Aggregate sub-message overruns the message")
        if first is None:
            first = sub_ts
        out.append(SubMessage(type_id, (timestamp + sub_ts - first) & 0xFFFFFFFF,
                              body[start : start + size]))
        offset = start + size + 4  # the back pointer is not needed to walk forwards
    return out
