"""Sans-IO RTMP server protocol (Adobe RTMP spec 1.0 + Enhanced RTMP).

Layering, bottom up: handshake (5.2) and chunks (5.3) know bytes; messages (5.4, 7.1) and
commands (7.2) know message bodies; states + events + connection make the server state
machine; media reads codec info from tag bodies; client is a small publisher for tests.
"""

from __future__ import annotations

from .chunks import ChunkReader, ChunkWriter, Message
from .client import RTMPPublishClient
from .connection import RTMPServerConnection
from .errors import RTMPProtocolError
from .events import (
    AudioReceived,
    CommandIgnored,
    Connected,
    ConnectionClosed,
    DataReceived,
    Event,
    HandshakeCompleted,
    MetadataReceived,
    PlayRequested,
    PongReceived,
    PublishRequested,
    StreamClosed,
    StreamDeleted,
    UnpublishRequested,
    VideoReceived,
)
from .media import (
    AudioTagInfo,
    VideoTagInfo,
    audio_codec_name,
    parse_audio_tag,
    parse_video_tag,
    video_codec_name,
)
from .messages import MessageType, UserControlEvent
from .states import State

__all__ = [
    "AudioReceived",
    "AudioTagInfo",
    "ChunkReader",
    "ChunkWriter",
    "CommandIgnored",
    "Connected",
    "ConnectionClosed",
    "DataReceived",
    "Event",
    "HandshakeCompleted",
    "Message",
    "MessageType",
    "MetadataReceived",
    "PlayRequested",
    "PongReceived",
    "PublishRequested",
    "RTMPProtocolError",
    "RTMPPublishClient",
    "RTMPServerConnection",
    "State",
    "StreamClosed",
    "StreamDeleted",
    "UnpublishRequested",
    "UserControlEvent",
    "VideoReceived",
    "VideoTagInfo",
    "audio_codec_name",
    "parse_audio_tag",
    "parse_video_tag",
    "video_codec_name",
]
