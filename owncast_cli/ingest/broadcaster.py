"""What we learn about the broadcaster: from onMetaData, the first packets, and measured bitrates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from owncast_cli.protocols.rtmp import (
    audio_codec_name,
    parse_audio_tag,
    parse_video_tag,
    video_codec_name,
)

#: Bitrates are measured over windows of this many milliseconds of stream time.
WINDOW_MS = 5000


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


@dataclass
class Broadcaster:
    """Accumulates the ``/api/admin/status`` ``broadcaster.streamDetails`` of one stream."""

    remote_addr: str
    connected_at: float
    metadata: dict[str, Any] = field(default_factory=dict)
    video_codec: str | None = None
    audio_codec: str | None = None
    seen_video: bool = False
    seen_audio: bool = False
    video_sequence_header: bool = False
    audio_sequence_header: bool = False
    _bytes: dict[str, int] = field(default_factory=lambda: {"video": 0, "audio": 0})
    _window_start: int | None = None
    measured_kbps: dict[str, int] = field(default_factory=lambda: {"video": 0, "audio": 0})

    def on_metadata(self, metadata: dict[str, Any]) -> None:
        self.metadata = dict(metadata)

    def on_video(self, timestamp: int, body: bytes) -> None:
        self.seen_video = True
        info = parse_video_tag(body)
        if info is not None:
            self.video_codec = self.video_codec or info.codec
            self.video_sequence_header |= info.sequence_header
        self._count("video", timestamp, len(body))

    def on_audio(self, timestamp: int, body: bytes) -> None:
        self.seen_audio = True
        info = parse_audio_tag(body)
        if info is not None:
            self.audio_codec = self.audio_codec or info.codec
            # Only AAC (and Enhanced RTMP codecs) have a sequence header; others are ready at once.
            self.audio_sequence_header |= info.sequence_header or info.codec not in ("AAC", "Opus")
        self._count("audio", timestamp, len(body))

    def _count(self, kind: str, timestamp: int, size: int) -> None:
        if self._window_start is None:
            self._window_start = timestamp
        self._bytes[kind] += size
        elapsed = timestamp - self._window_start
        if elapsed >= WINDOW_MS:
            for name in ("video", "audio"):
                self.measured_kbps[name] = round(self._bytes[name] * 8 / elapsed)
                self._bytes[name] = 0
            self._window_start = timestamp

    @property
    def expects_video(self) -> bool:
        return "videocodecid" in self.metadata or self.seen_video

    @property
    def expects_audio(self) -> bool:
        return "audiocodecid" in self.metadata or self.seen_audio

    def ready(self) -> bool:
        """Enough is known to announce the stream: every announced track has its config."""
        if not (self.seen_video or self.seen_audio):
            return False
        video_ok = not self.expects_video or self.video_sequence_header
        audio_ok = not self.expects_audio or self.audio_sequence_header
        return video_ok and audio_ok

    def details(self) -> dict[str, Any]:
        md = self.metadata
        video = self.video_codec or (video_codec_name(md["videocodecid"]) if "videocodecid" in md else "")
        if self.audio_codec:
            audio = self.audio_codec
        elif "audiocodecid" in md:
            audio = audio_codec_name(md["audiocodecid"])
        else:
            audio = "No audio"
        return {
            "width": int(_number(md.get("width"))),
            "height": int(_number(md.get("height"))),
            "framerate": _number(md.get("framerate") or md.get("fps")),
            "videoBitrate": int(_number(md.get("videodatarate"))) or self.measured_kbps["video"],
            "videoCodec": video or "No video",
            "audioBitrate": int(_number(md.get("audiodatarate"))) or self.measured_kbps["audio"],
            "audioCodec": audio,
            "encoder": str(md.get("encoder", "")),
        }
