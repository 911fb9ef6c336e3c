"""Shared helpers for the RTMP tests: deterministic randomness and recorded publish sessions."""

from __future__ import annotations

import random
from collections.abc import Callable

from owncast_cli.protocols.rtmp import (
    ChunkWriter,
    Event,
    MessageType,
    PublishRequested,
    RTMPPublishClient,
    RTMPServerConnection,
    messages,
)
from owncast_cli.protocols.rtmp.handshake import BLOCK_SIZE


def seeded_random(seed: int = 1) -> Callable[[int], bytes]:
    """A reproducible stand-in for os.urandom."""
    return random.Random(seed).randbytes


def drive(server: RTMPServerConnection, data: bytes, *, accept: bool = True) -> list[Event]:
    """Feed bytes and collect every event, deciding publish requests on the spot."""
    if data:  # b"" would mean EOF
        server.receive_data(data)
    events: list[Event] = []
    for event in server.events():
        events.append(event)
        if isinstance(event, PublishRequested):
            if accept:
                server.accept_publish()
            else:
                server.reject_publish("no such key")
    return events


def connect_pair(
    client: RTMPPublishClient, server: RTMPServerConnection, *, accept: bool = True
) -> tuple[list[Event], bytes]:
    """Run client and server against each other until the client publishes (or gives up).

    Returns:
        The server's events and every byte the client sent.
    """
    events: list[Event] = []
    sent = bytearray()
    for _ in range(20):
        data = client.data_to_send()
        sent += data
        events += drive(server, data, accept=accept)
        reply = server.data_to_send()
        if not reply and not data:
            break
        client.receive_data(reply)
        if client.publishing:
            break
    return events, bytes(sent)


def publish_session(
    *,
    chunk_size: int = 128,
    digest: bool = False,
    ffmpeg_csids: bool = True,
    frames: int = 12,
    seed: int = 1,
) -> bytes:
    """Every byte an ffmpeg-like publisher sends: handshake to deleteStream, media between."""
    client = RTMPPublishClient("live", "abc123", chunk_size=chunk_size, digest=digest,
                               ffmpeg_csids=ffmpeg_csids, random_bytes=seeded_random(seed))
    server = RTMPServerConnection(random_bytes=seeded_random(seed + 1))
    _, sent = connect_pair(client, server)
    assert client.publishing
    rng = random.Random(seed)
    out = bytearray(sent)
    client.send_metadata({"videocodecid": 7.0, "audiocodecid": 10.0, "width": 320.0})
    client.send_video(0, b"\x17\x00\x00\x00\x00" + rng.randbytes(40))  # AVC sequence header
    client.send_audio(0, b"\xaf\x00\x12\x10")  # AAC AudioSpecificConfig
    for i in range(frames):
        key = i % 6 == 0
        client.send_video(33 * i, bytes((0x17 if key else 0x27, 1, 0, 0, 0))
                          + rng.randbytes(rng.randrange(50, 900)))
        client.send_audio(23 * i, b"\xaf\x01" + rng.randbytes(rng.randrange(5, 300)))
    client.unpublish()
    out += client.data_to_send()
    return bytes(out)


def setup_hog(sizes: list[int], *, handshake: bool = True, first_csid: int = 3) -> bytes:
    """What a peer with no stream key sends to make the server hold memory: a plain handshake
    (C0+C1+C2 at once: C2 is not checked), then on each chunk stream from ``first_csid`` up a
    command message declaring ``size`` bytes, sent but its last byte: Set Chunk Size ``size - 1``
    and the first of its two chunks (the chunk size may change between chunks)."""
    out = bytearray(b"\x03" + bytes(2 * BLOCK_SIZE) if handshake else b"")
    writer = ChunkWriter()
    for csid, size in enumerate(sizes, start=first_csid):
        out += writer.write(2, MessageType.SET_CHUNK_SIZE, 0, 0, messages.set_chunk_size(size - 1))
        writer.chunk_size = size - 1
        out += writer.chunks(csid, MessageType.COMMAND_AMF0, 0, 0, bytes(size))[0]
    return bytes(out)
