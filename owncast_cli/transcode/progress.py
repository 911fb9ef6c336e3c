"""ffmpeg ``-progress`` output, sans-IO: key=value lines in, one event per finished block out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

# Each block ends with "progress=continue", or "progress=end" when ffmpeg finishes.
_BLOCK_END_KEY: Final = "progress"
_NOT_AVAILABLE: Final = "N/A"


@dataclass(frozen=True)
class Progress:
    """One ``-progress`` report. Fields ffmpeg marks ``N/A`` (or leaves out) are None."""

    frame: int | None = None
    fps: float | None = None
    bitrate_kbps: float | None = None
    total_size: int | None = None
    out_time_us: int | None = None
    speed: float | None = None
    dup_frames: int | None = None
    drop_frames: int | None = None
    ended: bool = False
    """True for the last report (``progress=end``)."""
    fields: Mapping[str, str] = field(default_factory=dict)
    """Every key of the block, raw, including per-stream ones like ``stream_0_0_q``."""


def _number(text: str | None, suffix: str = "") -> float | None:
    if text is None:
        return None
    text = text.strip().removesuffix(suffix).strip()
    if not text or text == _NOT_AVAILABLE:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _integer(text: str | None) -> int | None:
    value = _number(text)
    return int(value) if value is not None else None


def progress_from_fields(fields: Mapping[str, str]) -> Progress:
    """Build a report from one block's keys; unparseable values become None, never errors."""
    return Progress(
        frame=_integer(fields.get("frame")),
        fps=_number(fields.get("fps")),
        bitrate_kbps=_number(fields.get("bitrate"), "kbits/s"),
        total_size=_integer(fields.get("total_size")),
        # Older ffmpeg writes microseconds under the misnamed out_time_ms too; prefer _us.
        out_time_us=_integer(fields.get("out_time_us", fields.get("out_time_ms"))),
        speed=_number(fields.get("speed"), "x"),
        dup_frames=_integer(fields.get("dup_frames")),
        drop_frames=_integer(fields.get("drop_frames")),
        ended=fields.get(_BLOCK_END_KEY) == "end",
        fields=dict(fields),
    )


class ProgressParser:
    """Feed it bytes as they arrive; it returns the reports whose blocks completed."""

    def __init__(self) -> None:
        self._buffer = b""
        self._fields: dict[str, str] = {}

    def feed(self, data: bytes | bytearray) -> list[Progress]:
        """Consume ``data``; a partial trailing line waits for the next call."""
        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        reports: list[Progress] = []
        for raw in lines:
            key, sep, value = raw.decode("utf-8", "replace").strip().partition("=")
            if not sep:
                continue  # blank or foreign line: not part of the key=value protocol
            self._fields[key.strip()] = value.strip()
            if key.strip() == _BLOCK_END_KEY:
                reports.append(progress_from_fields(self._fields))
                self._fields = {}
        return reports


def parse_progress(text: str) -> list[Progress]:
    """Every complete report in a captured ``-progress`` text."""
    return ProgressParser().feed(text.encode() + b"\n")
