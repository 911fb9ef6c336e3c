"""The RTMP server connection: publish sessions driven by the sans-IO client, replies checked."""

from __future__ import annotations

from typing import Any

import pytest

from owncast_cli.protocols import amf0
from owncast_cli.protocols.amf0 import UNDEFINED, ECMAArray
from owncast_cli.protocols.rtmp import (
    AudioReceived,
    ChunkReader,
    CommandIgnored,
    Connected,
    ConnectionClosed,
    DataReceived,
    Event,
    HandshakeCompleted,
    MessageType,
    MetadataReceived,
    PlayRequested,
    PongReceived,
    PublishRequested,
    RTMPProtocolError,
    RTMPPublishClient,
    RTMPServerConnection,
    State,
    StreamClosed,
    StreamDeleted,
    UnpublishRequested,
    VideoReceived,
)
from owncast_cli.protocols.rtmp import messages as m

from .rtmp_helpers import connect_pair, drive, seeded_random


class Peer:
    """Reads what the server sends, following its Set Chunk Size."""

    def __init__(self) -> None:
        self.reader = ChunkReader()
        self.handshake_left = 1 + 2 * 1536

    def read(self, data: bytes) -> list[tuple[int, int, Any]]:
        """(type id, message stream id, decoded body) for each message."""
        skip = min(self.handshake_left, len(data))
        self.handshake_left -= skip
        self.reader.receive_data(data[skip:])
        out: list[tuple[int, int, Any]] = []
        while (message := self.reader.next_message()) is not None:
            body: Any = message.body
            if message.type_id == MessageType.SET_CHUNK_SIZE:
                self.reader.chunk_size = body = m.parse_set_chunk_size(message.body)
            elif message.type_id == MessageType.COMMAND_AMF0:
                body = amf0.decode_all(message.body)[0]
            out.append((message.type_id, message.stream_id, body))
        return out


def new_pair(**client_options: Any) -> tuple[RTMPPublishClient, RTMPServerConnection]:
    client = RTMPPublishClient("live", "abc123", random_bytes=seeded_random(1), **client_options)
    return client, RTMPServerConnection(random_bytes=seeded_random(2))


def published() -> tuple[RTMPPublishClient, RTMPServerConnection]:
    client, server = new_pair()
    connect_pair(client, server)
    assert client.publishing
    return client, server


def send(client: RTMPPublishClient, server: RTMPServerConnection) -> list[Event]:
    events = drive(server, client.data_to_send())
    client.receive_data(server.data_to_send())
    return events


def test_publish_session_events_and_replies() -> None:
    client, server = new_pair(ffmpeg_csids=True)
    peer = Peer()
    server.receive_data(client.data_to_send())
    assert list(server.events()) == []
    client.receive_data(reply := server.data_to_send())
    peer.read(reply)
    # C2, Set Chunk Size and connect arrive together.
    events = list(drive(server, client.data_to_send()))
    assert events[0] == HandshakeCompleted(digest=False)
    assert isinstance(events[1], Connected)
    assert (events[1].app, events[1].tc_url, events[1].object_encoding) == (
        "live", "rtmp://127.0.0.1/live", 0.0)
    # RTMP spec 7.2.1.1, nginx-rtmp order: window, bandwidth, chunk size, _result.
    reply = server.data_to_send()
    assert peer.read(reply) == [
        (MessageType.WINDOW_ACK_SIZE, 0, m.window_ack_size(5_000_000)),
        (MessageType.SET_PEER_BANDWIDTH, 0, m.set_peer_bandwidth(5_000_000)),
        (MessageType.SET_CHUNK_SIZE, 0, 4096),
        (MessageType.COMMAND_AMF0, 0, ["_result", 1.0,
                                       {"fmsVer": "FMS/3,0,1,123", "capabilities": 31.0},
                                       {"level": "status",
                                        "code": "NetConnection.Connect.Success",
                                        "description": "Connection succeeded.",
                                        "objectEncoding": 0.0}]),
    ]
    client.receive_data(reply)
    # releaseStream, FCPublish, createStream.
    assert drive(server, client.data_to_send()) == []
    reply = server.data_to_send()
    assert peer.read(reply) == [
        (MessageType.COMMAND_AMF0, 0, ["_result", 2.0, None, UNDEFINED]),
        (MessageType.COMMAND_AMF0, 0, ["onFCPublish", 0.0, None,
                                       {"code": "NetStream.Publish.Start",
                                        "description": "abc123"}]),
        (MessageType.COMMAND_AMF0, 0, ["_result", 3.0, None, UNDEFINED]),
        (MessageType.COMMAND_AMF0, 0, ["_result", 4.0, None, 1.0]),
    ]
    client.receive_data(reply)
    server.receive_data(client.data_to_send())
    event = server.next_event()
    assert event == PublishRequested("live", "abc123", "live", "rtmp://127.0.0.1/live", 0.0, 1)
    assert server.state is State.PUBLISH_PENDING
    server.accept_publish()
    reply = server.data_to_send()
    assert peer.read(reply) == [
        (MessageType.USER_CONTROL, 0, m.user_control(m.UserControlEvent.STREAM_BEGIN, 1)),
        (MessageType.COMMAND_AMF0, 1, ["onStatus", 0.0, None,
                                       {"level": "status", "code": "NetStream.Publish.Start",
                                        "description": "Start publishing"}]),
    ]
    client.receive_data(reply)
    assert client.publishing

    client.send_metadata({"width": 1280.0, "videocodecid": 7.0})
    client.send_video(0, b"\x17\x00\x00\x00\x00config")
    client.send_audio(0, b"\xaf\x00\x12\x10")
    client.send_video(33, b"\x27\x01\x00\x00\x00" + bytes(9000))
    client.unpublish()
    events = drive(server, client.data_to_send())
    server.receive_data(b"")
    events += list(server.events())
    metadata_body = amf0.encode_all("onMetaData", ECMAArray({"width": 1280.0, "videocodecid": 7.0}))
    assert events == [
        MetadataReceived({"width": 1280.0, "videocodecid": 7.0}, 0, metadata_body),
        VideoReceived(0, b"\x17\x00\x00\x00\x00config", 1),
        AudioReceived(0, b"\xaf\x00\x12\x10", 1),
        VideoReceived(33, b"\x27\x01\x00\x00\x00" + bytes(9000), 1),
        UnpublishRequested("abc123", 5.0),
        StreamDeleted(1),
        ConnectionClosed(publishing=False),
    ]
    assert peer.read(server.data_to_send()) == [
        (MessageType.COMMAND_AMF0, 0, ["_result", 5.0, None, UNDEFINED])]
    assert server.state is State.CLOSED and server.closing


def test_digest_client_publishes() -> None:
    client, server = new_pair(digest=True)
    events, _ = connect_pair(client, server)
    assert events[0] == HandshakeCompleted(digest=True)
    assert client.publishing


def test_reject_publish_closes() -> None:
    client, server = new_pair()
    events, _ = connect_pair(client, server, accept=False)
    assert isinstance(events[-1], PublishRequested)
    assert client.statuses == [{"level": "error", "code": "NetStream.Publish.BadName",
                                "description": "no such key"}]
    assert server.closing and server.state is State.CLOSING
    client.send_video(0, b"\x17\x01")
    client.send_command("whatever", 9.0, None)
    assert send(client, server) == []
    assert server.data_to_send() == b""
    assert server.dropped_messages == 1


def test_decisions_only_when_pending() -> None:
    client, server = published()
    with pytest.raises(RuntimeError):
        server.accept_publish()
    with pytest.raises(RuntimeError):
        server.reject_publish()


def test_play_is_refused_politely() -> None:
    client, server = new_pair()
    peer = Peer()
    drive(server, client.data_to_send())  # C0 + C1
    reply = server.data_to_send()
    peer.read(reply)
    client.receive_data(reply)
    drive(server, client.data_to_send())  # C2 + connect
    peer.read(server.data_to_send())  # kept from the client, so it does not publish
    client.send_command("play", 0.0, None, "abc123", stream_id=1)
    events = drive(server, client.data_to_send())
    assert events == [PlayRequested("abc123", 0.0)]
    ((_, _, reply),) = peer.read(server.data_to_send())
    assert reply[0] == "onStatus"
    assert reply[3]["level"] == "error"
    assert reply[3]["code"] == "NetStream.Play.Failed"


def test_unknown_and_misplaced_commands_are_not_fatal() -> None:
    client, server = published()
    client.send_command("getStreamLength", 7.0, None, "x")
    client.send_command("someNotification", 0.0, None)
    client.send_command("connect", 8.0, {"app": "again"})
    client.send_command("_result", 9.0, None)  # never answered: no ping-pong
    events = send(client, server)
    assert events == [
        CommandIgnored("getStreamLength", 7.0, "unknown command"),
        CommandIgnored("someNotification", 0.0, "unknown command"),
        CommandIgnored("connect", 8.0, "not allowed publishing"),
    ]
    assert server.state is State.PUBLISHING


def test_error_reply_for_unknown_command() -> None:
    client, server = new_pair()
    connect_pair(client, server)
    server.data_to_send()
    client.send_command("getStreamLength", 7.0, None, "x")
    server.receive_data(client.data_to_send())
    list(server.events())
    reader = ChunkReader(4096)
    reader.receive_data(server.data_to_send())
    message = reader.next_message()
    assert message is not None
    assert amf0.decode_all(message.body)[0] == [
        "_error", 7.0, None, {"level": "error", "code": "NetConnection.Call.Failed",
                              "description": "Method not found (getStreamLength)"}]


def test_media_before_publish_is_dropped() -> None:
    client, server = new_pair()
    for _ in range(2):
        drive(server, client.data_to_send())
        client.receive_data(server.data_to_send())
    client.send_message(4, MessageType.AUDIO, 1, 0, b"\xaf\x01")
    client.send_message(4, MessageType.DATA_AMF0, 1, 0, amf0.encode_all("onMetaData", {}))
    assert drive(server, client.data_to_send()) == []
    assert server.dropped_messages == 2


def test_ping_both_ways() -> None:
    client, server = published()
    server.send_ping(4242)
    client.receive_data(server.data_to_send())
    client.send_message(2, MessageType.USER_CONTROL, 0, 0,
                        m.user_control(m.UserControlEvent.PING_REQUEST, 77))
    assert drive(server, client.data_to_send()) == [PongReceived(4242)]
    reader = ChunkReader(4096)
    reader.receive_data(server.data_to_send())
    message = reader.next_message()
    assert message is not None and message.type_id == MessageType.USER_CONTROL
    assert m.parse_user_control(message.body) == (m.UserControlEvent.PING_RESPONSE, (77,))


def test_acknowledgements_follow_the_window() -> None:
    client, server = published()
    server.data_to_send()
    client.send_message(2, MessageType.WINDOW_ACK_SIZE, 0, 0, m.window_ack_size(3000))
    client.send_video(0, bytes(2500))
    drive(server, client.data_to_send())
    start = server.bytes_received
    acks = []
    for _ in range(10):
        client.send_video(0, bytes(1000))
        drive(server, client.data_to_send())
        reader = ChunkReader(4096)
        reader.receive_data(server.data_to_send())
        while (message := reader.next_message()) is not None:
            assert message.type_id == MessageType.ACKNOWLEDGEMENT
            acks.append(m.parse_acknowledgement(message.body))
    # RTMP spec 5.4.3: one ack per window, carrying the byte count received so far.
    assert len(acks) >= 3
    assert all(b - a >= 3000 for a, b in zip(acks, acks[1:], strict=False))
    assert acks[-1] <= server.bytes_received and acks[0] > start - 3000


def test_amf3_messages() -> None:
    client, server = published()
    # Type 17 with the usual leading 0x00 then AMF0; type 15 in true AMF3 is skipped.
    client.send_message(3, MessageType.COMMAND_AMF3, 0, 0,
                        b"\x00" + amf0.encode_all("FCUnpublish", 0.0, None, "abc123"))
    client.send_message(4, MessageType.DATA_AMF3, 1, 0, b"\x0a\x0b\x01")
    client.send_message(4, MessageType.DATA_AMF3, 1, 5,
                        b"\x00" + amf0.encode_all("onTextData", {"text": "hi"}))
    assert send(client, server) == [
        UnpublishRequested("abc123", 0.0),
        DataReceived("onTextData", [{"text": "hi"}], 5, amf0.encode_all("onTextData", {"text": "hi"})),
    ]


def test_plain_on_metadata_and_enhanced_video_pass_through() -> None:
    client, server = published()
    body = amf0.encode_all("onMetaData", {"videocodecid": 1752589105.0})
    client.send_message(4, MessageType.DATA_AMF0, 1, 0, body)
    hevc = b"\x90hvc1" + bytes(range(50))  # IsExHeader | keyframe, SequenceStart, 'hvc1'
    client.send_video(0, hevc)
    assert send(client, server) == [
        MetadataReceived({"videocodecid": 1752589105.0}, 0, body),
        VideoReceived(0, hevc, 1),
    ]


def test_aggregate_messages_are_split() -> None:
    client, server = published()
    body = bytes.fromhex("08 000002 000064 00 000000 af01 0000000d"
                         "09 000003 000085 00 000000 270100 0000000e")
    client.send_message(4, MessageType.AGGREGATE, 1, 500, body)
    assert send(client, server) == [AudioReceived(500, b"\xaf\x01", 1),
                                    VideoReceived(533, b"\x27\x01\x00", 1)]


def test_huge_peer_chunk_size_and_invalid_one() -> None:
    client, server = published()
    client.set_chunk_size(0x7FFFFFFF)
    client.send_video(0, bytes(100_000))
    assert send(client, server) == [VideoReceived(0, bytes(100_000), 1)]
    assert server.peer_chunk_size == 0x7FFFFFFF
    client.send_message(2, MessageType.SET_CHUNK_SIZE, 0, 0, b"\x00\x00\x00\x00")
    with pytest.raises(RTMPProtocolError):
        send(client, server)
    assert server.state is State.ERROR
    with pytest.raises(RTMPProtocolError):
        server.receive_data(b"more")


def test_eof_while_publishing_and_republish() -> None:
    client, server = published()
    client.send_command("closeStream", 0.0, None, stream_id=1)
    assert send(client, server) == [StreamClosed(1)]
    assert server.state is State.CONNECTED
    client.send_command("publish", 0.0, None, "second", "live", stream_id=1)
    (event,) = send(client, server)
    assert isinstance(event, PublishRequested) and event.stream_name == "second"
    server.receive_data(b"")
    assert server.next_event() == ConnectionClosed(publishing=True)
    assert server.next_event() is None
    with pytest.raises(RuntimeError):
        server.receive_data(b"late")


def test_bad_amf_in_a_command_is_a_protocol_error() -> None:
    client, server = published()
    client.send_message(3, MessageType.COMMAND_AMF0, 0, 0, b"\x02\x00\x05ab")
    with pytest.raises(RTMPProtocolError):
        send(client, server)
