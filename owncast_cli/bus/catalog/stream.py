"""The stream's events (ingest), serve's, config and the daemons'."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from owncast_cli.bus.eventtype import BusEvent, JsonObject, event_type

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
