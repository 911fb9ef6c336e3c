"""Stream health from ffmpeg's ``-progress`` reports: what is published, and how often."""

from __future__ import annotations

from typing import Any, Final

from owncast_cli.transcode.progress import Progress

#: State key (table ``runtime``) holding the latest health report, for status and admin APIs.
HEALTH_STATE_KEY: Final = "transcode_health"
#: State key describing the ffmpeg in use and the encoders it offers (admin ``supportedCodecs``).
TRANSCODER_STATE_KEY: Final = "transcoder"
#: ffmpeg reports about twice a second; health is published at most this often.
PUBLISH_INTERVAL_SECONDS: Final = 5.0
#: Below this speed the transcoder cannot keep up with a live input.
SLOW_SPEED: Final = 0.9


def health_report(progress: Progress, *, stream_id: str, restarts: int, ts: str) -> dict[str, Any]:
    """The JSON published as ``transcode.health`` and stored under :data:`HEALTH_STATE_KEY`."""
    out_seconds = progress.out_time_us / 1e6 if progress.out_time_us is not None else None
    healthy = progress.speed is None or progress.speed >= SLOW_SPEED
    return {
        "streamId": stream_id,
        "time": ts,
        "fps": progress.fps,
        "speed": progress.speed,
        "bitrateKbps": progress.bitrate_kbps,
        "frame": progress.frame,
        "dropFrames": progress.drop_frames,
        "dupFrames": progress.dup_frames,
        "outTimeSeconds": out_seconds,
        "restarts": restarts,
        "healthy": healthy,
        "message": None if healthy else f"the transcoder runs at {progress.speed:.2f}x real time and falls behind",
    }


class Throttle:
    """True at most once per ``interval`` seconds of the clock it is given."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._last: float | None = None

    def due(self, now: float) -> bool:
        if self._last is not None and now - self._last < self.interval:
            return False
        self._last = now
        return True
