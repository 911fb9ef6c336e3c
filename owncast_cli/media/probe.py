"""What a media file holds (container, streams, sizes), via ffprobe or ffmpeg's own banner."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from typing import Any, Final

DEFAULT_TIMEOUT: Final = 10.0
_INPUT_RE: Final = re.compile(r"^Input #0, ([\w,]+), from ", re.MULTILINE)
_DURATION_RE: Final = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
# "Stream #0:1[0x101](eng): Audio: aac (LC) ([15][0][0][0] / 0x000F), 48000 Hz, stereo, ..."
_STREAM_RE: Final = re.compile(
    r"^\s*Stream #\d+:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (Video|Audio|Subtitle|Data|Attachment): (\w+)(.*)$",
    re.MULTILINE,
)
_SIZE_RE: Final = re.compile(r"(?<![\w])(\d{1,5})x(\d{1,5})(?![\w])")
_FPS_RE: Final = re.compile(r"([\d.]+) fps")
_RATE_RE: Final = re.compile(r"(\d+) Hz")
_CHANNELS_RE: Final = re.compile(r"Hz, ([^,]+)")
# ffmpeg prints a layout name; these are the common ones (libavutil channel_layout.c).
_LAYOUT_CHANNELS: Final = {"mono": 1, "stereo": 2, "2.1": 3, "3.0": 3, "quad": 4, "4.0": 4, "5.0": 5,
                           "5.0(side)": 5, "5.1": 6, "5.1(side)": 6, "6.1": 7, "7.1": 8}


class MediaProbeError(RuntimeError):
    """The file could not be read as media."""


def parse_ffmpeg_banner(stderr: str) -> dict[str, Any]:
    """Parse the input description ``ffmpeg -hide_banner -i FILE`` prints on stderr.

    Returns:
        ``{"format": "mpegts", "duration": 1.0 | None, "streams": [...]}``; each stream is
        ``{"index", "type" ("video"/"audio"/...), "codec"}`` plus ``width``, ``height``,
        ``fps`` for video and ``sample_rate``, ``channels`` for audio when printed.

    Raises:
        MediaProbeError: there is no ``Input #0`` description (the last line says why).
    """
    found = _INPUT_RE.search(stderr)
    if not found:
        lines = stderr.strip().splitlines()
        raise MediaProbeError(lines[-1] if lines else "ffmpeg printed nothing about the input")
    duration = None
    if (d := _DURATION_RE.search(stderr)) is not None:
        duration = int(d.group(1)) * 3600 + int(d.group(2)) * 60 + float(d.group(3))
    streams: list[dict[str, Any]] = []
    for match in _STREAM_RE.finditer(stderr):
        index, kind, codec, rest = match.groups()
        stream: dict[str, Any] = {"index": int(index), "type": kind.lower(), "codec": codec}
        if kind == "Video":
            if (size := _SIZE_RE.search(rest)) is not None:
                stream["width"], stream["height"] = int(size.group(1)), int(size.group(2))
            if (fps := _FPS_RE.search(rest)) is not None:
                stream["fps"] = float(fps.group(1))
        elif kind == "Audio":
            if (rate := _RATE_RE.search(rest)) is not None:
                stream["sample_rate"] = int(rate.group(1))
            if (layout := _CHANNELS_RE.search(rest)) is not None:
                name = layout.group(1).strip()
                count = re.match(r"(\d+) channels", name)
                stream["channels"] = _LAYOUT_CHANNELS.get(name, int(count.group(1)) if count else None)
        streams.append(stream)
    return {"format": found.group(1).split(",")[0], "duration": duration, "streams": streams}


def _rate(text: str | None) -> float | None:
    if not text or "/" not in text:
        return None
    num, den = text.split("/", 1)
    return float(num) / float(den) if float(den) else None


def parse_ffprobe_json(data: dict[str, Any]) -> dict[str, Any]:
    """Map ``ffprobe -print_format json -show_format -show_streams`` to the banner shape."""
    fmt = data.get("format", {})
    streams: list[dict[str, Any]] = []
    for raw in data.get("streams", []):
        stream: dict[str, Any] = {"index": raw.get("index"), "type": raw.get("codec_type"),
                                  "codec": raw.get("codec_name")}
        if raw.get("codec_type") == "video":
            for key in ("width", "height"):
                if key in raw:
                    stream[key] = int(raw[key])
            if (fps := _rate(raw.get("avg_frame_rate")) or _rate(raw.get("r_frame_rate"))) is not None:
                stream["fps"] = round(fps, 3)
        elif raw.get("codec_type") == "audio":
            if "sample_rate" in raw:
                stream["sample_rate"] = int(raw["sample_rate"])
            if "channels" in raw:
                stream["channels"] = int(raw["channels"])
        streams.append(stream)
    duration = fmt.get("duration")
    return {"format": str(fmt.get("format_name", "")).split(",")[0],
            "duration": float(duration) if duration is not None else None, "streams": streams}


def find_ffprobe(ffmpeg_path: str) -> str | None:
    """The ffprobe of the same build as ``ffmpeg_path``: the one beside it, or None.

    Never one from PATH for another ffmpeg: Debian's ffprobe 5.1 beside the bundled ffmpeg 9 read
    Enhanced RTMP's HEVC and AV1 FLV tags as VP6 (imageio-ffmpeg ships no ffprobe, so its
    streams are described by ``ffmpeg -i``).
    """
    resolved = shutil.which(ffmpeg_path) or ffmpeg_path
    sibling = os.path.join(os.path.dirname(os.path.realpath(resolved)), "ffprobe")
    if os.path.isfile(sibling) and os.access(sibling, os.X_OK):
        return sibling
    return None


def probe_media(ffmpeg_path: str, file: str | os.PathLike[str], *, use_ffprobe: bool = True,
                timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Describe a media file's container and streams (blocking; run it in a thread).

    Uses ffprobe when one is found (``use_ffprobe``), else parses what ``ffmpeg -i``
    prints. Both give the shape documented in :func:`parse_ffmpeg_banner`.

    Raises:
        MediaProbeError: unreadable or not media, or the probe timed out.
    """
    path = os.fspath(file)
    ffprobe = find_ffprobe(ffmpeg_path) if use_ffprobe else None
    try:
        if ffprobe:
            done = subprocess.run([ffprobe, "-v", "error", "-print_format", "json", "-show_format",
                                   "-show_streams", path], capture_output=True, timeout=timeout, check=False)
            if done.returncode != 0:
                raise MediaProbeError(done.stderr.decode("utf-8", "replace").strip() or f"ffprobe failed on {path}")
            return parse_ffprobe_json(json.loads(done.stdout))
        # Without an output ffmpeg exits 1 after describing the input: that is expected.
        done = subprocess.run([ffmpeg_path, "-hide_banner", "-i", path], capture_output=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise MediaProbeError(f"probing {path} took longer than {timeout:g} s") from None
    except OSError as exc:
        raise MediaProbeError(f"cannot run the prober: {exc}") from None
    return parse_ffmpeg_banner(done.stderr.decode("utf-8", "replace"))
