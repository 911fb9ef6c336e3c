"""Events an RTMP server connection reports: frozen dataclasses named for what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AudioReceived",
    "CommandIgnored",
    "Connected",
    "ConnectionClosed",
    "DataReceived",
    "Event",
    "HandshakeCompleted",
    "MetadataReceived",
    "PlayRequested",
    "PongReceived",
    "PublishRequested",
    "StreamClosed",
    "StreamDeleted",
    "UnpublishRequested",
    "VideoReceived",
]


@dataclass(frozen=True, slots=True)
class Event:
    """Base class of everything `RTMPServerConnection.next_event()` returns."""


@dataclass(frozen=True, slots=True)
class HandshakeCompleted(Event):
    """C0/C1/C2 arrived and S0/S1/S2 were queued; `digest` if the client used the FP9 form."""

    digest: bool


@dataclass(frozen=True, slots=True)
class Connected(Event):
    """The client's `connect` command was answered with NetConnection.Connect.Success."""

    app: str
    tc_url: str
    flash_ver: str
    object_encoding: float
    properties: dict[str, Any] = field(hash=False)  # the whole command object
    transaction: float = 1.0


@dataclass(frozen=True, slots=True)
class PublishRequested(Event):
    """`publish`: answer with `accept_publish()` or `reject_publish(description)`."""

    app: str
    stream_name: str  # as sent, query string ("key?foo=bar") included
    publish_type: str  # "live", "record" or "append"
    tc_url: str
    transaction: float
    stream_id: int


@dataclass(frozen=True, slots=True)
class MetadataReceived(Event):
    """`@setDataFrame`/`onMetaData`; `raw_body` is the FLV script tag body (wrapper removed)."""

    metadata: dict[str, Any] = field(hash=False)
    timestamp: int
    raw_body: bytes


@dataclass(frozen=True, slots=True)
class DataReceived(Event):
    """Any other AMF0 data message (onTextData, onCuePoint, ...) while publishing."""

    name: str
    values: list[Any] = field(hash=False)
    timestamp: int
    raw_body: bytes


@dataclass(frozen=True, slots=True)
class AudioReceived(Event):
    """An audio message; `payload` is the FLV audio tag body, unchanged."""

    timestamp: int  # milliseconds, 32-bit wire value (wraps after ~49.7 days)
    payload: bytes
    stream_id: int = 1


@dataclass(frozen=True, slots=True)
class VideoReceived(Event):
    """A video message; `payload` is the FLV video tag body, unchanged (E-RTMP included)."""

    timestamp: int
    payload: bytes
    stream_id: int = 1


@dataclass(frozen=True, slots=True)
class UnpublishRequested(Event):
    """`FCUnpublish`: the encoder says it is stopping."""

    stream_name: str
    transaction: float


@dataclass(frozen=True, slots=True)
class StreamDeleted(Event):
    """`deleteStream`: the publishing stream is over."""

    stream_id: int


@dataclass(frozen=True, slots=True)
class StreamClosed(Event):
    """`closeStream`: the publishing stream is over."""

    stream_id: int


@dataclass(frozen=True, slots=True)
class PlayRequested(Event):
    """`play`: refused with onStatus NetStream.Play.Failed (this server only ingests)."""

    stream_name: str
    transaction: float


@dataclass(frozen=True, slots=True)
class CommandIgnored(Event):
    """A command that is unknown or out of place; answered with `_error` if it had an id."""

    name: str
    transaction: float
    reason: str


@dataclass(frozen=True, slots=True)
class PongReceived(Event):
    """The peer answered `send_ping(timestamp)` with a Ping Response."""

    timestamp: int


@dataclass(frozen=True, slots=True)
class ConnectionClosed(Event):
    """`receive_data(b"")` was called: the peer closed; `publishing` if it left mid-stream."""

    publishing: bool
