"""The offline clip: ours, generated once per segment length, or the admin's, checked first."""

from __future__ import annotations

import hashlib
import logging
import math
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.probe import MediaProbeError, probe_media
from owncast_cli.transcode.argv import build_offline_clip_argv, offline_video_sources

logger = logging.getLogger("owncast.transcode.offline")

GENERATE_TIMEOUT: Final = 60.0


class OfflineClipError(ValueError):
    """A configured offline clip cannot follow live segments; the message says why."""


@dataclass(frozen=True)
class OfflineClip:
    """A clip ready to append: where it is, how long it lasts, the name it gets in playlists."""

    path: Path
    duration: float
    uri: str
    """``offline-<hash>.ts``: the content is in the name, so CDNs may cache it for long."""


def _uri_for(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as clip:
        for block in iter(lambda: clip.read(1 << 20), b""):
            digest.update(block)
    return f"offline-{digest.hexdigest()[:10]}.ts"


def check_clip(ffmpeg_path: str, path: Path) -> OfflineClip:
    """Check that ``path`` is an MPEG-TS segment with H.264 video a player can switch to.

    Blocking (runs ffmpeg): call from a thread.

    Raises:
        OfflineClipError: missing, unreadable, not MPEG-TS, no H.264 video, or no duration.
    """
    if not path.is_file():
        raise OfflineClipError(f"offline_clip_path {str(path)!r} is not a file")
    try:
        info = probe_media(ffmpeg_path, path, use_ffprobe=False)
    except MediaProbeError as exc:
        raise OfflineClipError(f"offline_clip_path {str(path)!r} is not readable media: {exc}") from None
    if info["format"] != "mpegts":
        raise OfflineClipError(f"offline_clip_path {str(path)!r} is {info['format']}, not an MPEG-TS (.ts) segment")
    codecs = [s["codec"] for s in info["streams"] if s["type"] == "video"]
    if codecs != ["h264"]:
        raise OfflineClipError(f"offline_clip_path {str(path)!r} needs one H.264 video stream, has {codecs or 'none'}")
    duration = info["duration"]
    if not duration or duration <= 0:
        raise OfflineClipError(f"offline_clip_path {str(path)!r} has no duration")
    return OfflineClip(path, float(duration), _uri_for(path))


def generated_clip_path(tmp_dir: Path, seconds: int) -> Path:
    return tmp_dir / f"offline-{seconds}s.ts"


def _run_ffmpeg(argv: list[str], partial: Path) -> str | None:
    """Run ``argv`` writing ``partial``; None when it worked, else the end of ffmpeg's error."""
    try:
        done = subprocess.run(argv, capture_output=True, timeout=GENERATE_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        return f"it took longer than {GENERATE_TIMEOUT:g} s"
    except OSError as exc:
        return str(exc)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1][-300:] if lines else f"exit {done.returncode}"
    return None


def ensure_generated_clip(ffmpeg: FFmpegInfo, tmp_dir: Path, seconds: int) -> OfflineClip:
    """Our calm slate, ``seconds`` long (one segment, so the target duration holds); made once.

    Each video source this ffmpeg offers is tried in turn (:func:`offline_video_sources`),
    so a build that refuses the first still gets a clip. Blocking: call from a thread.

    Raises:
        OfflineClipError: no source worked (each one's error is in the message).
    """
    path = generated_clip_path(tmp_dir, seconds)
    if not path.is_file():
        tmp_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        failures: list[str] = []
        for source in offline_video_sources(ffmpeg.capabilities):
            argv = build_offline_clip_argv(ffmpeg.path, partial, float(seconds), video_source=source)
            error = _run_ffmpeg(argv, partial)
            if error is None:
                break
            failures.append(f"{source.split('=', 1)[0]}: {error}")
        else:
            raise OfflineClipError(f"{ffmpeg.name} could not make the offline clip ({'; '.join(failures)})")
        if failures:
            logger.warning("%s could not draw the offline clip with %s; drew it with %s instead",
                           ffmpeg.name, "; ".join(failures), source.split("=", 1)[0])
        os.replace(partial, path)
    return OfflineClip(path, float(seconds), _uri_for(path))


def fits(duration: float, seconds: int) -> bool:
    """RFC 8216 4.3.3.1: an EXTINF, rounded to an integer, may not exceed the target duration."""
    return math.floor(duration + 0.5) <= seconds


def trim_clip(ffmpeg_path: str, clip: OfflineClip, tmp_dir: Path, seconds: int) -> OfflineClip:
    """The first ``seconds`` of a checked clip (stream copy: the opening keyframe is kept); made once.

    A playlist's target duration may not change (RFC 8216 6.2.1), so a clip longer than the
    segment length cannot follow the live segments whole. Blocking: call from a thread.

    Raises:
        OfflineClipError: ffmpeg could not cut it, or the cut is still too long.
    """
    path = tmp_dir / f"offline-custom-{clip.uri.removeprefix('offline-').removesuffix('.ts')}-{seconds}s.ts"
    if not path.is_file():
        tmp_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        argv = [ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y", "-i", os.fspath(clip.path),
                "-t", str(seconds), "-map", "0", "-c", "copy", "-f", "mpegts", os.fspath(partial)]
        error = _run_ffmpeg(argv, partial)
        if error is not None:
            raise OfflineClipError(f"ffmpeg could not trim offline_clip_path {str(clip.path)!r}: {error}")
        os.replace(partial, path)
    trimmed = check_clip(ffmpeg_path, path)
    if not fits(trimmed.duration, seconds):
        path.unlink(missing_ok=True)
        raise OfflineClipError(f"offline_clip_path {str(clip.path)!r} cut to {seconds} s still lasts "
                               f"{trimmed.duration:.2f} s (its frames are too long to cut there)")
    return trimmed


def resolve_clip(ffmpeg: FFmpegInfo, configured: str, tmp_dir: Path, seconds: int) -> tuple[OfflineClip, str | None]:
    """The clip to use and, when the configured one was refused or cut, what the admin should know.

    A configured clip longer than a segment is cut to its first ``seconds``; one that cannot
    be used is refused and ours is used instead. Blocking: call from a thread.
    """
    if configured:
        source = Path(configured).expanduser()
        try:
            clip = check_clip(ffmpeg.path, source)
            if fits(clip.duration, seconds):
                return clip, None
            trimmed = trim_clip(ffmpeg.path, clip, tmp_dir, seconds)
        except OfflineClipError as exc:
            return ensure_generated_clip(ffmpeg, tmp_dir, seconds), f"{exc}; using the built-in clip"
        return trimmed, (f"offline_clip_path {str(source)!r} lasts {clip.duration:.2f} s, longer than the "
                         f"{seconds} s segments of this latency level: only its first {seconds} s is shown "
                         f"(cut it yourself, e.g. `ffmpeg -i CLIP -t {seconds} -c copy clip.ts`, to choose "
                         "which part, or raise video_latency_level)")
    return ensure_generated_clip(ffmpeg, tmp_dir, seconds), None
