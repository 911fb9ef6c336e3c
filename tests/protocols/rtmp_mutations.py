"""Mutating recorded RTMP publish sessions, for the fuzz test and bench/rtmp_fuzz.py.

A session recorded from a real ffmpeg (tests/protocols/data/*.rtmp: every byte it sent, handshake
to deleteStream) is split into its messages; a case re-encodes them with message-level changes
(absurd Set Chunk Size values, extended timestamps, unknown message types, aborts, dropped and
repeated messages), flips, inserts and deletes bytes, and feeds the result to a server connection
in pieces. `run_case` raises whatever the server raises besides RTMPProtocolError, and checks the
bytes a connection holds.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from owncast_cli.protocols.rtmp import (
    ChunkReader,
    ChunkWriter,
    Message,
    MessageType,
    PublishRequested,
    RTMPProtocolError,
    RTMPServerConnection,
    messages,
    parse_audio_tag,
    parse_video_tag,
)
from owncast_cli.protocols.rtmp.chunks import MAX_MESSAGE_SIZE, SETUP_MESSAGE_SIZE
from owncast_cli.protocols.rtmp.handshake import BLOCK_SIZE

DATA = Path(__file__).parent / "data"
HANDSHAKE = 1 + 2 * BLOCK_SIZE
#: What one connection may hold between reads: before a publish is accepted two partial
#: command messages (plus a header's remnant), after it two partial messages of 16 MiB.
SETUP_BOUND = 2 * SETUP_MESSAGE_SIZE + 64
PUBLISH_BOUND = 2 * MAX_MESSAGE_SIZE + 64
#: Set Chunk Size values worth trying: invalid (0, bit 31), tiny, huge.
CHUNK_SIZES = (0, 1, 2, 127, 128, 65536, 0xFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)
#: Timestamps around the 24-bit field's end (RTMP spec 5.3.1.3: 0xFFFFFF means extended).
TIMESTAMPS = (0xFFFFFE, 0xFFFFFF, 0x1000000, 0x7FFFFFFF, 0xFFFFFFFF, 0)
#: A type 0 header on chunk stream 3 declaring a 16 MiB - 1 command, with no body after it.
HUGE_HEADER = b"\x03\x00\x00\x00\xff\xff\xff\x14\x00\x00\x00\x00"


@dataclass(frozen=True)
class Session:
    """A recorded publish: the client's handshake bytes and the messages after them."""

    handshake: bytes
    messages: tuple[Message, ...]


def parse_session(data: bytes) -> Session:
    reader = ChunkReader()
    reader.receive_data(data[HANDSHAKE:])
    found = []
    while (message := reader.next_message()) is not None:
        if message.type_id == MessageType.SET_CHUNK_SIZE:
            reader.chunk_size = messages.parse_set_chunk_size(message.body)
        found.append(message)
    return Session(data[:HANDSHAKE], tuple(found))


@cache
def recorded_bytes() -> dict[str, bytes]:
    """ffmpeg 9 (the bundled one) and Debian's ffmpeg 5.1 publishing one second to live/abc123
    (recorded by ``bench/rtmp_fuzz.py --record``)."""
    return {path.name: path.read_bytes() for path in sorted(DATA.glob("*-publish.rtmp"))}


@cache
def recorded() -> tuple[Session, ...]:
    return tuple(parse_session(data) for data in recorded_bytes().values())


#: (kind, where, argument): `where` picks a message index (or byte offset) modulo the length.
Mutation = tuple[str, int, object]


def encode(session: Session, changes: list[Mutation]) -> bytes:
    """Re-encode the messages with message-level changes applied."""
    items: list[Message | bytes] = list(session.messages)
    for kind, where, arg in changes:
        at = where % (len(items) + 1)
        if kind == "chunk_size":  # raw body: invalid sizes too
            items.insert(at, Message(2, MessageType.SET_CHUNK_SIZE, 0, 0, struct.pack(">I", int(arg))))  # type: ignore[call-overload]
        elif kind == "timestamp" and items:
            base = items[where % len(items)]
            if isinstance(base, Message):
                items.insert(at, base._replace(timestamp=int(arg)))  # type: ignore[call-overload]
        elif kind == "unknown_type":
            type_id, csid, body = arg  # type: ignore[misc]
            items.insert(at, Message(csid, type_id, 1, 0, body))
        elif kind == "abort":
            items.insert(at, Message(2, MessageType.ABORT, 0, 0, messages.abort(int(arg))))  # type: ignore[call-overload]
        elif kind == "drop" and items:
            del items[where % len(items)]
        elif kind == "repeat" and items:
            items.insert(at, items[where % len(items)])
        elif kind == "raw":  # bytes between two messages, e.g. a header with no body
            items.insert(at, bytes(arg))  # type: ignore[call-overload]
    out = bytearray(session.handshake)
    writer = ChunkWriter()
    for item in items:
        if isinstance(item, bytes):
            out += item
            continue
        out += writer.write(item.chunk_stream_id, item.type_id, item.stream_id, item.timestamp, item.body)
        if item.type_id == MessageType.SET_CHUNK_SIZE and len(item.body) == 4:
            size = struct.unpack(">I", item.body)[0]
            if 1 <= size <= messages.MAX_CHUNK_SIZE:
                writer.chunk_size = size  # the peer follows the sizes we announce
    return bytes(out)


def mutate_bytes(data: bytes, changes: list[Mutation]) -> bytes:
    """Flip, set, insert and delete bytes, or cut the session short."""
    out = bytearray(data)
    for kind, where, arg in changes:
        # Most land after the handshake, where the chunk stream starts.
        position = (HANDSHAKE + where % max(1, len(out) - HANDSHAKE)) if where % 8 else where % max(1, len(out))
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


@dataclass
class Outcome:
    """How a case ended (for the bench's summary)."""

    error: str = ""  # the RTMPProtocolError's message, or "" if none
    published: bool = False
    max_held: int = 0


def run_case(data: bytes, pieces: list[int], accept: bool) -> Outcome:
    """Feed ``data`` in ``pieces`` (then 4 KiB reads) to a server; only RTMPProtocolError may
    come out, and the bytes held stay within the bounds above (asserted)."""
    server = RTMPServerConnection(random_bytes=bytes)
    outcome = Outcome()
    sizes = iter(pieces)
    offset = 0
    try:
        while offset < len(data):
            size = max(1, next(sizes, 4096))
            server.receive_data(data[offset : offset + size])
            offset += size
            for event in server.events():
                if isinstance(event, PublishRequested):
                    if accept:
                        server.accept_publish()
                        outcome.published = True
                    else:
                        server.reject_publish()
                payload = getattr(event, "payload", None)
                if isinstance(payload, bytes):  # the tag helpers must cope with anything too
                    parse_video_tag(payload)
                    parse_audio_tag(payload)
            server.data_to_send()
            held = server.buffered
            outcome.max_held = max(outcome.max_held, held)
            bound = PUBLISH_BOUND if outcome.published else SETUP_BOUND
            assert held <= min(bound, offset), f"held {held} bytes (bound {bound}, fed {offset})"
        server.receive_data(b"")
        list(server.events())
    except RTMPProtocolError as exc:
        outcome.error = str(exc)
    return outcome


def random_case(rng: random.Random) -> tuple[bytes, list[int], bool]:
    """One case drawn from the same vocabulary as the Hypothesis strategies (for long runs)."""
    session = rng.choice(recorded())
    changes: list[Mutation] = []
    for _ in range(rng.randrange(6)):
        kind = rng.choice(("chunk_size", "timestamp", "unknown_type", "abort", "drop", "repeat", "raw"))
        where = rng.randrange(10**4)
        arg: object = None
        if kind == "chunk_size":
            arg = rng.choice(CHUNK_SIZES) if rng.random() < 0.5 else rng.getrandbits(32)
        elif kind == "timestamp":
            arg = rng.choice(TIMESTAMPS) if rng.random() < 0.5 else rng.getrandbits(32)
        elif kind == "unknown_type":
            arg = (rng.choice((0, 7, 10, 11, 12, 13, 14, 16, 19, 21, 23, 99, 255)),
                   rng.randrange(2, 65600), rng.randbytes(rng.randrange(65)))
        elif kind == "abort":
            arg = rng.getrandbits(32)
        elif kind == "raw":
            arg = HUGE_HEADER
        changes.append((kind, where, arg))
    mutations: list[Mutation] = []
    for _ in range(rng.randrange(5)):
        kind = rng.choice(("flip", "set", "insert", "delete", "truncate"))
        arg = {"flip": rng.randrange(1, 256), "set": rng.randrange(256),
               "insert": rng.randbytes(rng.randrange(1, 17)), "delete": rng.randrange(1, 65),
               "truncate": 0}[kind]
        mutations.append((kind, rng.randrange(10**6), arg))
    pieces = [rng.randrange(1, 3001) for _ in range(rng.randrange(21))]
    return mutate_bytes(encode(session, changes), mutations), pieces, rng.random() < 0.5
