"""The transcoder's events."""

from __future__ import annotations

from dataclasses import dataclass, field

from owncast_cli.bus.eventtype import OMIT_NONE, BusEvent, JsonObject, event_type

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
