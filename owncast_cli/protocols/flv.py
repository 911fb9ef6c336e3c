"""FLV muxing (header, tags) and an incremental FLV reader, per the FLV spec v10 Annex E."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

__all__ = [
    "FLVDecodeError",
    "FLVHeader",
    "FLVReader",
    "FLVTag",
    "TagType",
    "flv_header",
    "flv_tag",
]


class FLVDecodeError(ValueError):
    """The bytes are not a valid FLV stream."""


class TagType(IntEnum):
    """FLV spec E.4.1: TagType; RTMP message types 8, 9 and 18 use the same numbers."""

    AUDIO = 8
    VIDEO = 9
    SCRIPT = 18


_SIGNATURE: Final = b"FLV"
_HEADER_SIZE: Final = 9  # FLV spec E.2: DataOffset of a version 1 header
_MAX_DATA_OFFSET: Final = 1 << 16  # room for future header fields, not for a 4 GiB skip
_TAG_HEADER_SIZE: Final = 11
_FLAG_AUDIO: Final = 0x04
_FLAG_VIDEO: Final = 0x01
_HEADER: Final = struct.Struct(">3sBBI")
_TAG_HEADER: Final = struct.Struct(">BBHBHBBH")  # type, size(24), ts(24), ts ext, stream id(24)
_U32: Final = struct.Struct(">I")
_MAX_BODY: Final = 0xFFFFFF  # DataSize is 24 bits


def flv_header(has_audio: bool = True, has_video: bool = True) -> bytes:
    """The 9-byte FLV header (FLV spec E.2) followed by PreviousTagSize0 = 0 (E.3)."""
    flags = (_FLAG_AUDIO if has_audio else 0) | (_FLAG_VIDEO if has_video else 0)
    return _HEADER.pack(_SIGNATURE, 1, flags, _HEADER_SIZE) + _U32.pack(0)


def flv_tag(tag_type: int, timestamp_ms: int, body: bytes) -> bytes:
    """One FLV tag (FLV spec E.4.1) and the PreviousTagSize that follows it.

    Args:
        tag_type: 8 audio, 9 video, 18 script data (TagType).
        timestamp_ms: milliseconds; the low 24 bits go in Timestamp and bits 24-31 in
            TimestampExtended, so it wraps at 2**32 like RTMP timestamps.
        body: the tag body, e.g. the RTMP message body unchanged.
    """
    size = len(body)
    if size > _MAX_BODY:
        raise ValueError(f"FLV tag body of {size} bytes exceeds 16 MiB - 1")
    timestamp_ms &= 0xFFFFFFFF
    header = _TAG_HEADER.pack(
        tag_type, size >> 16, size & 0xFFFF,
        (timestamp_ms >> 16) & 0xFF, timestamp_ms & 0xFFFF, timestamp_ms >> 24,
        0, 0,  # StreamID is always 0
    )
    return header + body + _U32.pack(_TAG_HEADER_SIZE + size)


@dataclass(frozen=True, slots=True)
class FLVHeader:
    """The FLV file header."""

    version: int
    has_audio: bool
    has_video: bool


@dataclass(frozen=True, slots=True)
class FLVTag:
    """One FLV tag; `timestamp` combines Timestamp and TimestampExtended."""

    tag_type: int
    timestamp: int
    body: bytes
    stream_id: int = 0


class FLVReader:
    """Incremental FLV parser: `receive_data(bytes)`, then `next_item()` until None.

    With `strict`, every PreviousTagSize must match the tag before it (FLV spec E.3);
    otherwise it is skipped, as ffmpeg does.
    """

    def __init__(self, *, strict: bool = False, max_tag_size: int = _MAX_BODY) -> None:
        self.strict = strict
        self.max_tag_size = max_tag_size
        self._buf = bytearray()
        self._header_seen = False
        self._previous_size = 0

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        self._buf += data

    @property
    def buffered(self) -> int:
        return len(self._buf)

    def next_item(self) -> FLVHeader | FLVTag | None:
        """The header first, then each tag; None when more bytes are needed.

        Raises:
            FLVDecodeError: not FLV, or (strict) a PreviousTagSize mismatch.
        """
        buf = self._buf
        if not self._header_seen:
            if len(buf) < _HEADER_SIZE:
                if not _SIGNATURE.startswith(bytes(buf[:3])):
                    raise FLVDecodeError("not an FLV stream (no 'FLV' signature)")
                return None
            signature, version, flags, data_offset = _HEADER.unpack_from(buf)
            if signature != _SIGNATURE:
                raise FLVDecodeError("not an FLV stream (no 'FLV' signature)")
            if not _HEADER_SIZE <= data_offset <= _MAX_DATA_OFFSET:
                raise FLVDecodeError(f"FLV DataOffset {data_offset} is not plausible")
            if len(buf) < data_offset:
                return None
            del buf[:data_offset]
            self._header_seen = True
            return FLVHeader(version, bool(flags & _FLAG_AUDIO), bool(flags & _FLAG_VIDEO))
        # PreviousTagSize, then a tag header and body.
        if len(buf) < 4 + _TAG_HEADER_SIZE:
            return None
        previous = _U32.unpack_from(buf)[0]
        if self.strict and previous != self._previous_size:
            raise FLVDecodeError(
                f"PreviousTagSize {previous} does not match the previous tag ({self._previous_size})"
            )
        tag_type, size_hi, size_lo, ts_hi, ts_lo, ts_ext, sid_hi, sid_lo = (
            _TAG_HEADER.unpack_from(buf, 4))
        size = size_hi << 16 | size_lo
        if size > self.max_tag_size:
            raise FLVDecodeError(f"FLV tag of {size} bytes exceeds the limit")
        end = 4 + _TAG_HEADER_SIZE + size
        if len(buf) < end:
            return None
        body = bytes(buf[4 + _TAG_HEADER_SIZE : end])
        del buf[:end]
        self._previous_size = _TAG_HEADER_SIZE + size
        timestamp = ts_ext << 24 | ts_hi << 16 | ts_lo
        return FLVTag(tag_type, timestamp, body, sid_hi << 16 | sid_lo)

    def finish(self) -> None:
        """Check the end of the stream: in strict mode, the last PreviousTagSize."""
        if self.strict and self._header_seen:
            if len(self._buf) != 4 or _U32.unpack_from(self._buf)[0] != self._previous_size:
                raise FLVDecodeError("FLV stream does not end with the last PreviousTagSize")
