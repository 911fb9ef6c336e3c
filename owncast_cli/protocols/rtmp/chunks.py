"""The RTMP chunk stream: reassembling messages from chunks and splitting them (RTMP spec 5.3)."""

from __future__ import annotations

import struct
from typing import Final, NamedTuple

from .errors import RTMPProtocolError

__all__ = [
    "ChunkReader",
    "ChunkWriter",
    "DEFAULT_CHUNK_SIZE",
    "MAX_MESSAGE_SIZE",
    "SETUP_MESSAGE_SIZE",
    "Message",
    "encode_basic_header",
]

# RTMP spec 5.4.1: the chunk size starts at 128 bytes in each direction.
DEFAULT_CHUNK_SIZE: Final = 128
# The message length field is 24 bits (RTMP spec 5.3.1.2.1), so 16 MiB is the ceiling anyway.
MAX_MESSAGE_SIZE: Final = 16 * 1024 * 1024
# Until a publish is accepted only commands are expected (ffmpeg's and OBS's connect is ~300
# bytes): a larger message before then is a protocol error, so a peer with no stream key can
# hold at most 2 * SETUP_MESSAGE_SIZE of partial messages (was 16 MiB each: 40 such
# connections took ingest from 72 to 694 MB).
SETUP_MESSAGE_SIZE: Final = 8 << 10
# Chunk stream ids are cheap for the peer to invent (up to 65599); each costs us state.
MAX_CHUNK_STREAMS: Final = 64
# RTMP spec 5.3.1.3: a 24-bit timestamp field of 0xFFFFFF means "see the extended field".
EXTENDED: Final = 0xFFFFFF
_MASK32: Final = 0xFFFFFFFF

_HEADER_1: Final = struct.Struct(">BHBHB")  # fmt 0/1: timestamp(24) length(24) type id
_HEADER_2: Final = struct.Struct(">BH")  # fmt 2: timestamp delta(24)
_U32: Final = struct.Struct(">I")
_U32_LE: Final = struct.Struct("<I")  # RTMP spec 5.3.1.2.1: message stream id is little-endian


class Message(NamedTuple):
    """One reassembled RTMP message."""

    chunk_stream_id: int
    type_id: int
    stream_id: int
    timestamp: int  # milliseconds, 32 bits: wraps after ~49.7 days like the wire field
    body: bytes


class _ChunkStream:
    """What a chunk stream id remembers from its last header (RTMP spec 5.3.1.2)."""

    __slots__ = (
        "csid", "timestamp", "delta", "length", "type_id", "stream_id",
        "extended", "ext_field", "remaining", "body",
    )

    def __init__(self, csid: int) -> None:
        self.csid = csid
        self.timestamp = 0  # absolute timestamp of the current (or last) message
        self.delta = 0  # what a fmt 3 chunk starting a new message adds
        self.length = 0
        self.type_id = 0
        self.stream_id = 0
        self.extended = False  # the last fmt 0/1/2 header used the extended timestamp
        self.ext_field = 0  # and this was its value
        self.remaining = 0  # bytes still missing from the current message; 0 = none started
        # The message so far; grows as chunks arrive, never sized from the declared length.
        self.body = bytearray()


class ChunkReader:
    """Reassembles messages from the chunk stream; sans-IO, bounded memory.

    A message's payload is collected chunk by chunk as it arrives, so a declared 16 MiB
    message holds only the bytes received so far. Timestamps are rebuilt from deltas modulo
    2**32 (RTMP spec 5.3.1.3: timestamps wrap), i.e. they stay the 32-bit wire values.
    """

    def __init__(
        self,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        *,
        max_message_size: int = MAX_MESSAGE_SIZE,
        max_reserved: int = 2 * MAX_MESSAGE_SIZE,
    ) -> None:
        self.chunk_size = chunk_size  # the peer's; changed by its Set Chunk Size messages
        self.max_message_size = max_message_size
        # Sum of declared lengths of unfinished messages across chunk streams.
        self.max_reserved = max_reserved
        self._reserved = 0
        self._buf = bytearray()
        self._pos = 0
        self._streams: dict[int, _ChunkStream] = {}
        self._cur: _ChunkStream | None = None  # a chunk whose payload arrived only in part
        self._chunk_left = 0

    @property
    def buffered(self) -> int:
        """Bytes held: unparsed input plus payload of unfinished messages."""
        partial = sum(len(st.body) for st in self._streams.values())
        return len(self._buf) - self._pos + partial

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        """Append bytes from the peer."""
        if self._pos:
            # Deleting from the front of a bytearray only moves its start: cheap.
            del self._buf[: self._pos]
            self._pos = 0
        self._buf += data

    def abort(self, csid: int) -> None:
        """Drop the unfinished message on a chunk stream (RTMP spec 5.4.2, Abort Message)."""
        st = self._streams.get(csid)
        if st is not None and st.remaining:
            self._reserved -= st.length
            st.remaining = 0
            st.body = bytearray()

    def _new_stream(self, csid: int) -> _ChunkStream:
        if len(self._streams) >= MAX_CHUNK_STREAMS:
            raise RTMPProtocolError(f"more than {MAX_CHUNK_STREAMS} chunk streams in use")
        st = self._streams[csid] = _ChunkStream(csid)
        return st

    def _start_message(self, st: _ChunkStream) -> None:
        length = st.length
        if length > self.max_message_size:
            raise RTMPProtocolError(
                f"message of {length} bytes exceeds the limit of {self.max_message_size}")
        if self._reserved + length > self.max_reserved:
            raise RTMPProtocolError("too many large messages in flight at once")
        self._reserved += length
        st.remaining = length

    def _finish(self, st: _ChunkStream) -> Message:
        self._reserved -= st.length
        body = bytes(st.body)
        st.body = bytearray()
        return Message(st.csid, st.type_id, st.stream_id, st.timestamp, body)

    def next_message(self) -> Message | None:  # noqa: C901 - one loop keeps the hot path fast
        """Parse chunks until a message completes.

        Returns:
            The next complete message, or None when more bytes are needed.

        Raises:
            RTMPProtocolError: the chunk stream is malformed or exceeds the limits.
        """
        buf = self._buf
        # Payload is copied out through a view: one copy per chunk, no temporary slice.
        # (The view is released before receive_data can resize the buffer.)
        view = memoryview(buf)
        pos = self._pos
        end = len(buf)
        chunk_size = self.chunk_size
        streams = self._streams
        try:
            while True:
                st = self._cur
                if st is not None:
                    # Finish a chunk whose payload arrived in pieces.
                    take = end - pos
                    if take <= 0:
                        return None
                    if take > self._chunk_left:
                        take = self._chunk_left
                    st.body += view[pos : pos + take]
                    pos += take
                    st.remaining -= take
                    self._chunk_left -= take
                    if self._chunk_left:
                        return None
                    self._cur = None
                    if not st.remaining:
                        return self._finish(st)
                    continue

                if pos >= end:
                    return None
                # RTMP spec 5.3.1.1: basic header, 1 to 3 bytes.
                b0 = buf[pos]
                csid = b0 & 0x3F
                hp = pos + 1
                if csid < 2:
                    if csid == 0:
                        if hp >= end:
                            return None
                        csid = buf[hp] + 64
                        hp += 1
                    else:
                        if hp + 1 >= end:
                            return None
                        csid = buf[hp] + (buf[hp + 1] << 8) + 64
                        hp += 2
                st = streams.get(csid)
                if st is None:
                    st = self._new_stream(csid)
                fmt = b0 >> 6
                if fmt >= 2 and st.type_id == 0:
                    # RTMP spec 5.3.1.2: type 2 and 3 headers reuse the previous message's length
                    # and type; a chunk stream that never had them cannot start with one.
                    raise RTMPProtocolError(
                        f"chunk stream {csid} starts with a type {fmt} header (no previous message)"
                    )

                if fmt == 3:
                    if st.remaining:
                        # A continuation chunk. RTMP spec 5.3.1.3: it repeats the extended
                        # timestamp of its message. Some old encoders omit it, so (like SRS)
                        # only skip the 4 bytes when they match.
                        if st.extended:
                            if end - hp < 4:
                                return None
                            if _U32.unpack_from(buf, hp)[0] == st.ext_field:
                                hp += 4
                    else:
                        # A new message with the previous header's length, type, stream and
                        # delta (RTMP spec 5.3.1.2.4). After a fmt 0 the "delta" is that
                        # header's timestamp field, as ffmpeg and SRS read and write it.
                        if st.extended:
                            if end - hp < 4:
                                return None
                            st.delta = st.ext_field = _U32.unpack_from(buf, hp)[0]
                            hp += 4
                        st.timestamp = (st.timestamp + st.delta) & _MASK32
                        self._start_message(st)
                else:
                    if st.remaining:
                        raise RTMPProtocolError(
                            f"new message header on chunk stream {csid} before its message ended"
                        )
                    if fmt == 2:
                        if end - hp < 3:
                            return None
                        hi, lo = _HEADER_2.unpack_from(buf, hp)
                        hp += 3
                    else:
                        need = 11 if fmt == 0 else 7
                        if end - hp < need:
                            return None
                        hi, lo, len_hi, len_lo, type_id = _HEADER_1.unpack_from(buf, hp)
                        length = len_hi << 16 | len_lo
                        stream_id = _U32_LE.unpack_from(buf, hp + 7)[0] if fmt == 0 else None
                        hp += need
                    field = hi << 16 | lo
                    if field == EXTENDED:
                        if end - hp < 4:
                            return None
                        field = _U32.unpack_from(buf, hp)[0]
                        hp += 4
                        st.extended = True
                        st.ext_field = field
                    else:
                        st.extended = False
                    if fmt != 2:
                        st.length = length
                        st.type_id = type_id
                        if stream_id is not None:
                            st.stream_id = stream_id
                    st.delta = field
                    st.timestamp = field if fmt == 0 else (st.timestamp + field) & _MASK32
                    self._start_message(st)

                # The chunk payload: up to chunk_size bytes of the message.
                n = st.remaining
                if n > chunk_size:
                    n = chunk_size
                avail = end - hp
                if avail >= n:
                    pos = hp + n
                    st.remaining -= n
                    if not st.remaining and not st.body:
                        # A message in one chunk: no accumulation needed.
                        self._reserved -= st.length
                        return Message(st.csid, st.type_id, st.stream_id, st.timestamp,
                                       bytes(view[hp:pos]))
                    st.body += view[hp:pos]
                    if not st.remaining:
                        return self._finish(st)
                else:
                    pos = end
                    st.body += view[hp:end]
                    st.remaining -= avail
                    self._cur = st
                    self._chunk_left = n - avail
                    return None
        finally:
            self._pos = pos
            view.release()


def encode_basic_header(fmt: int, csid: int) -> bytes:
    """RTMP spec 5.3.1.1: the shortest basic header for a chunk stream id (2..65599)."""
    if 2 <= csid <= 63:
        return bytes((fmt << 6 | csid,))
    if 64 <= csid <= 319:
        return bytes((fmt << 6, csid - 64))
    if 320 <= csid <= 65599:
        return bytes((fmt << 6 | 1, (csid - 64) & 0xFF, (csid - 64) >> 8))
    raise ValueError(f"chunk stream id {csid} outside 2..65599")


class ChunkWriter:
    """Splits messages into chunks, choosing the smallest header form like ffmpeg does."""

    def __init__(self, chunk_size: int = DEFAULT_CHUNK_SIZE, *, compress: bool = True) -> None:
        self.chunk_size = chunk_size  # ours; announce changes with Set Chunk Size first
        self.compress = compress
        # csid -> (stream id, length, type id, timestamp, timestamp field) of its last header
        self._last: dict[int, tuple[int, int, int, int, int]] = {}

    def chunks(self, csid: int, type_id: int, stream_id: int, timestamp: int,
               body: bytes) -> list[bytes]:
        """Encode one message as a list of chunks (to interleave them with other streams)."""
        timestamp &= _MASK32
        length = len(body)
        if length > 0xFFFFFF:
            raise ValueError("RTMP messages are limited to 16 MiB - 1 bytes")
        last = self._last.get(csid) if self.compress else None
        delta = (timestamp - last[3]) & _MASK32 if last is not None else 0
        if last is None or last[0] != stream_id or delta >= 0x80000000:
            fmt, field = 0, timestamp  # first header, other stream, or time went backwards
        elif last[1] != length or last[2] != type_id:
            fmt, field = 1, delta
        elif last[4] != delta:
            fmt, field = 2, delta
        else:
            fmt, field = 3, delta
        self._last[csid] = (stream_id, length, type_id, timestamp, field)

        ext = _U32.pack(field) if field >= EXTENDED else b""
        ts24 = EXTENDED if ext else field
        header = encode_basic_header(fmt, csid)
        if fmt == 0:
            header += _HEADER_1.pack(ts24 >> 16, ts24 & 0xFFFF, length >> 16, length & 0xFFFF,
                                     type_id) + _U32_LE.pack(stream_id)
        elif fmt == 1:
            header += _HEADER_1.pack(ts24 >> 16, ts24 & 0xFFFF, length >> 16, length & 0xFFFF,
                                     type_id)
        elif fmt == 2:
            header += _HEADER_2.pack(ts24 >> 16, ts24 & 0xFFFF)
        header += ext
        # RTMP spec 5.3.1.3: continuation chunks carry the extended timestamp too.
        continuation = encode_basic_header(3, csid) + ext
        size = self.chunk_size
        out = [header + body[:size]]
        for offset in range(size, length, size):
            out.append(continuation + body[offset : offset + size])
        return out

    def write(self, csid: int, type_id: int, stream_id: int, timestamp: int,
              body: bytes) -> bytes:
        """Encode one message as the bytes of its chunks."""
        return b"".join(self.chunks(csid, type_id, stream_id, timestamp, body))
