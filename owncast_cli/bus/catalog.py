"""Every event type the bus carries: name, version, publishers and fields, in one table.

Publishers build these (``await bus.publish(StreamStopped(stream_id, reason))``) and subscribers
read them (``async for event, body in sub.decoded()``); only ``eventtype`` sees the wire form.
The chat payloads are Owncast's websocket events (also its webhook bodies): their keys are in
Owncast's alphabetical order, then our additions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from owncast_cli.bus.eventtype import OMIT_NONE, WIRE_TYPE, BusEvent, JsonObject, event_type

# --- the stream (ingest) ----------------------------------------------------------------------


@event_type("stream.started", publishers=("ingest",))
@dataclass(frozen=True)
class StreamStarted(BusEvent):
    """A publisher sent decodable media: the stream is live."""

    stream_id: str
    has_video: bool
    has_audio: bool
    remote_addr: str
    time: str  # RFC 3339
    stream_details: JsonObject


@event_type("stream.stopped", publishers=("ingest",))
@dataclass(frozen=True)
class StreamStopped(BusEvent):
    stream_id: str
    reason: str


@event_type("ingest.dropped", publishers=("ingest",))
@dataclass(frozen=True)
class IngestDropped(BusEvent):
    """The transcoder fell behind: this many bytes of media were dropped up to a keyframe."""

    bytes: int


@event_type("ingest.disconnect", publishers=("serve",))
@dataclass(frozen=True)
class IngestDisconnect(BusEvent):
    """The admin asked ingest to close the live publisher (``/api/admin/disconnect``)."""

    reason: str
    stream_id: str | None


# --- serve ------------------------------------------------------------------------------------


@event_type("viewers.changed", publishers=("serve",))
@dataclass(frozen=True)
class ViewersChanged(BusEvent):
    current: int
    session_peak: int
    overall_peak: int


@event_type("stream.health", publishers=("serve",))
@dataclass(frozen=True)
class StreamHealth(BusEvent):
    """One window of players' playback metrics; each spread is ``{min, median, max}`` or None."""

    clients: int
    reports: int
    errors: float
    quality_variant_changes: float
    bandwidth_kbps: JsonObject | None
    segment_download_seconds: JsonObject | None
    latency_seconds: JsonObject | None
    time: str


@event_type("webhooks.changed", publishers=("serve",))
@dataclass(frozen=True)
class WebhooksChanged(BusEvent):
    """A webhook was ``created`` or ``deleted`` through the admin API."""

    id: int
    action: str


# --- config and daemons -----------------------------------------------------------------------


@event_type("config.changed", publishers=("serve", "cli", "ingest"))
@dataclass(frozen=True)
class ConfigChanged(BusEvent):
    """One key changed; ``value`` is masked for secret keys (read the store for it)."""

    key: str
    value: Any
    restart_required: bool


@event_type("daemons.ready", publishers=("run-all",))
@dataclass(frozen=True)
class DaemonsReady(BusEvent):
    daemons: list[str]


# --- transcode --------------------------------------------------------------------------------


@event_type("transcode.started", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeStarted(BusEvent):
    stream_id: str
    variants: list[JsonObject]
    latency_level: int
    codec: str
    storage: str


@event_type("transcode.warning", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeWarning(BusEvent):
    """Something the admin should fix; ``streamId`` is absent when no stream is concerned."""

    stream_id: str | None = field(metadata=OMIT_NONE)
    message: str


@event_type("transcode.storage_error", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeStorageError(BusEvent):
    storage: str
    message: str
    fallback: str


@event_type("transcode.restarted", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeRestarted(BusEvent):
    stream_id: str
    exit_code: int | None
    restarts: int


@event_type("transcode.segment", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeSegment(BusEvent):
    """A new segment of the best variant is stored."""

    stream_id: str
    variant: int
    uri: str
    duration: float
    media_sequence: int


@event_type("transcode.health", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeHealth(BusEvent):
    """ffmpeg's progress; ``message`` says why it is unhealthy."""

    stream_id: str
    time: str
    fps: float | None
    speed: float | None
    bitrate_kbps: float | None
    frame: int | None
    drop_frames: int | None
    dup_frames: int | None
    out_time_seconds: float | None
    restarts: int
    healthy: bool
    message: str | None


@event_type("transcode.stopped", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeStopped(BusEvent):
    stream_id: str
    restarts: int


@event_type("transcode.cleared", publishers=("transcode",))
@dataclass(frozen=True)
class TranscodeCleared(BusEvent):
    """The ended stream's HLS files were deleted after this long offline."""

    after_seconds: float


# --- chat: Owncast's chat events ----------------------------------------------------------------


@event_type("chat.message", publishers=("chat",))
@dataclass(frozen=True)
class ChatMessage(BusEvent):
    """A user's message (``body`` is sanitised HTML, ``rawBody`` what they typed)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject
    visible: bool
    raw_body: str
    #: The sender's connection; absent for a message the chat daemon sends itself.
    client_id: int | None = field(default=None, metadata=OMIT_NONE)


@event_type("chat.system", publishers=("chat",))
@dataclass(frozen=True)
class ChatSystem(BusEvent):
    """A SYSTEM message from the server (Markdown rendered, not sanitised)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.action", publishers=("chat",))
@dataclass(frozen=True)
class ChatAction(BusEvent):
    """A CHAT_ACTION line (stream started or ended, title changed)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.user_joined", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserJoined(BusEvent):
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.user_parted", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserParted(BusEvent):
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.name_change", publishers=("chat",))
@dataclass(frozen=True)
class ChatNameChange(BusEvent):
    id: str
    old_name: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject
    new_name: str


@event_type("chat.color_change", publishers=("chat",))
@dataclass(frozen=True)
class ChatColorChange(BusEvent):
    user: JsonObject
    new_color: int
    timestamp: str


@event_type("chat.visibility_update", publishers=("chat",))
@dataclass(frozen=True)
class ChatVisibilityUpdate(BusEvent):
    """Messages hidden or shown by a moderator (``user`` is always null, as Owncast's)."""

    id: str
    ids: list[str]
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    visible: bool
    user: JsonObject | None


@event_type("chat.user_enabled", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserEnabled(BusEvent):
    user: JsonObject


@event_type("chat.user_disabled", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserDisabled(BusEvent):
    user: JsonObject


# --- requests to the chat daemon ----------------------------------------------------------------


@event_type("chat.send_requested", publishers=("cli",))
@dataclass(frozen=True)
class ChatSendRequested(BusEvent):
    """``owncast chat send``: a bot message (as ``name``), or a SYSTEM one."""

    body: str
    system: bool
    name: str | None = field(default=None, metadata=OMIT_NONE)


@event_type("chat.user_updated", publishers=("cli", "chat"))
@dataclass(frozen=True)
class ChatUserUpdated(BusEvent):
    """A user's scopes changed elsewhere: chat re-reads the user and re-sends its info."""

    user_id: str
    scopes: list[str] | None = field(default=None, metadata=OMIT_NONE)
    moderator: bool | None = field(default=None, metadata=OMIT_NONE)


#: The events the chat daemon publishes (what ``owncast chat tail`` follows).
CHAT_EVENTS: tuple[type[BusEvent], ...] = (
    ChatMessage, ChatSystem, ChatAction, ChatNameChange, ChatUserJoined, ChatUserParted,
    ChatVisibilityUpdate, ChatUserDisabled, ChatUserEnabled, ChatColorChange,
)
