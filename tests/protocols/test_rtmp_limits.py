"""What a connection may hold before a publish is accepted: small commands only, bounded bytes."""

from __future__ import annotations

import pytest

from owncast_cli.protocols.rtmp import (
    PublishRequested,
    RTMPProtocolError,
    RTMPPublishClient,
    RTMPServerConnection,
    State,
    VideoReceived,
)
from owncast_cli.protocols.rtmp.chunks import SETUP_MESSAGE_SIZE

from .rtmp_helpers import connect_pair, drive, seeded_random, setup_hog

#: The most a connection without an accepted publish holds between reads: two partial messages.
SETUP_HOLD = 2 * SETUP_MESSAGE_SIZE


def test_setup_message_size_is_a_few_kib() -> None:
    assert SETUP_MESSAGE_SIZE == 8192


def test_a_16_mib_message_before_publish_ends_the_connection_at_its_header() -> None:
    server = RTMPServerConnection()
    data = setup_hog([0xFFFFFF])
    server.receive_data(data[:4096])  # the handshake, Set Chunk Size and the message header
    with pytest.raises(RTMPProtocolError, match="exceeds the limit of 8192"):
        drive(server, b"")
    assert server.state is State.ERROR and server.buffered < 4096


def test_forty_connections_without_a_key_hold_at_most_16_kib_each() -> None:
    """The issue's 40 connections (each once able to hold 16 MiB): now 40 * 16 KiB at most."""
    servers = [RTMPServerConnection(random_bytes=seeded_random(i)) for i in range(40)]
    hog = setup_hog([SETUP_MESSAGE_SIZE, SETUP_MESSAGE_SIZE])
    for server in servers:
        for offset in range(0, len(hog), 1500):  # as TCP segments arrive
            drive(server, hog[offset:offset + 1500])
        assert server.buffered == SETUP_HOLD - 2
    assert sum(s.buffered for s in servers) <= 40 * SETUP_HOLD == 655_360
    # A third partial message on another chunk stream is over the in-flight limit.
    third = servers[0]
    with pytest.raises(RTMPProtocolError, match="too many large messages"):
        drive(third, setup_hog([200], handshake=False, first_csid=5))


def test_setup_limit_holds_until_the_publish_is_accepted() -> None:
    client = RTMPPublishClient("live", "abc123", random_bytes=seeded_random(1))
    server = RTMPServerConnection(random_bytes=seeded_random(2))
    events, _ = connect_pair(client, server, accept=True)
    assert any(isinstance(e, PublishRequested) for e in events) and client.publishing
    # Accepted: media messages up to the protocol's 16 MiB work again.
    client.send_video(0, bytes(4 << 20))
    assert drive(server, client.data_to_send()) == [VideoReceived(0, bytes(4 << 20), 1)]
    # A refused publisher never gets the large limit.
    client = RTMPPublishClient("live", "wrong", random_bytes=seeded_random(3))
    server = RTMPServerConnection(random_bytes=seeded_random(4))
    connect_pair(client, server, accept=False)
    assert server.state is State.CLOSING
    client.send_video(0, bytes(SETUP_MESSAGE_SIZE + 1))
    with pytest.raises(RTMPProtocolError, match="exceeds the limit"):
        drive(server, client.data_to_send())
