"""Find an ffmpeg binary and check it can do the job: HLS output and an H.264 encoder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from owncast_cli.media.codecs import VideoCodec

FIX_HINT: Final = (
    "Fix it with one of: `owncast config set ffmpeg_path /path/to/ffmpeg`; install ffmpeg "
    "(e.g. `apt install ffmpeg`); or `pip install imageio-ffmpeg` for a bundled static build."
)
DEFAULT_TIMEOUT: Final = 10.0
_VERSION_RE: Final = re.compile(r"^\S*ffmpeg version (\S+)", re.MULTILINE)
_ENCODER_FLAGS_RE: Final = re.compile(r"^[VASD.][A-Z.]{5}$")
_MUXER_FLAGS_RE: Final = re.compile(r"^[D.]?E[d.]?$")


class FFmpegError(RuntimeError):
    """ffmpeg cannot be used; the message says what to do."""


class FFmpegNotFound(FFmpegError):
    """No ffmpeg binary at the configured path, on PATH, or bundled."""


class FFmpegUnusable(FFmpegError):
    """An ffmpeg binary was found but does not run or lacks what streaming needs."""


class FFmpegSource(StrEnum):
    """Where the binary came from, for the startup log."""

    CONFIGURED = "configured"
    PATH = "path"
    BUNDLED = "bundled"


@dataclass(frozen=True)
class FFmpegInfo:
    """What a checked ffmpeg binary offers."""

    path: str
    version: str
    source: FFmpegSource
    h264_encoders: tuple[VideoCodec, ...]
    """The supported H.264 encoders it was built with, in :class:`VideoCodec` order."""
    has_hls: bool
    has_mpegts: bool
    has_aac: bool

    def supports(self, codec: VideoCodec | str) -> bool:
        """True when ``codec`` was compiled in (the hardware may still be missing)."""
        return codec in {c.value for c in self.h264_encoders}


def parse_version(text: str) -> str:
    """The version from ``ffmpeg -version`` output ("n9.0.2-17-...", "5.1.6-0+deb12u1")."""
    match = _VERSION_RE.search(text)
    return match.group(1) if match else ""


def parse_encoders(text: str) -> tuple[str, ...]:
    """Every encoder name in an ``ffmpeg -encoders`` table, in table order."""
    names: list[str] = []
    for line in text.splitlines():
        fields = line.split(None, 2)
        # Rows are "<6 flag chars> <name> <description>"; the legend rows ("V..... = Video")
        # fail the "=" check, the header and separator fail the flag pattern.
        if len(fields) >= 2 and _ENCODER_FLAGS_RE.match(fields[0]) and fields[1] != "=":
            names.append(fields[1])
    return tuple(names)


def supported_h264_encoders(encoders_text: str) -> tuple[VideoCodec, ...]:
    """The H.264 encoders Owncast can drive, found in ``ffmpeg -encoders`` output."""
    present = set(parse_encoders(encoders_text))
    return tuple(codec for codec in VideoCodec if codec.value in present)


def parse_muxers(text: str) -> frozenset[str]:
    """The muxer names in ``ffmpeg -muxers`` output."""
    names: set[str] = set()
    for line in text.splitlines():
        fields = line.split(None, 2)
        if len(fields) >= 2 and _MUXER_FLAGS_RE.match(fields[0]) and fields[1] != "=":
            names.update(fields[1].split(","))
    return frozenset(names)


def _bundled_ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg  # optional: only its binary is wanted
    except ImportError:
        return None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        return None  # the package is installed without a binary for this platform


def find_ffmpeg(configured_path: str | None = None) -> tuple[str, FFmpegSource]:
    """Locate ffmpeg: the configured path, else ``ffmpeg`` on PATH, else imageio-ffmpeg's.

    A configured path that does not resolve is an error rather than a silent fallback:
    the operator asked for that binary.

    Raises:
        FFmpegNotFound: with the fix in the message.
    """
    if configured_path:
        resolved = shutil.which(os.path.expanduser(configured_path))
        if resolved is None:
            raise FFmpegNotFound(f"ffmpeg_path is set to {configured_path!r}, but no executable is there. {FIX_HINT}")
        return resolved, FFmpegSource.CONFIGURED
    on_path = shutil.which("ffmpeg")
    if on_path:
        return on_path, FFmpegSource.PATH
    bundled = _bundled_ffmpeg()
    if bundled and os.access(bundled, os.X_OK):
        return bundled, FFmpegSource.BUNDLED
    raise FFmpegNotFound(f"ffmpeg was not found on PATH and imageio-ffmpeg is not installed. {FIX_HINT}")


def _run(path: str, *args: str, timeout: float) -> str:
    try:
        done = subprocess.run([path, "-hide_banner", *args], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise FFmpegUnusable(f"{path} {' '.join(args)} did not answer within {timeout:g} s. {FIX_HINT}") from None
    except OSError as exc:
        raise FFmpegUnusable(f"{path} cannot be run: {exc}. {FIX_HINT}") from None
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip()[-300:]
        raise FFmpegUnusable(f"{path} {' '.join(args)} failed (exit {done.returncode}): {tail}. {FIX_HINT}")
    return done.stdout.decode("utf-8", "replace")


def inspect_ffmpeg(path: str, source: FFmpegSource = FFmpegSource.CONFIGURED, *,
                   timeout: float = DEFAULT_TIMEOUT) -> FFmpegInfo:
    """Run ``-version``, ``-encoders`` and ``-muxers`` and check the results.

    Blocking (three short subprocesses): call it once at startup, from a thread.

    Raises:
        FFmpegUnusable: it does not run, or lacks the hls muxer or any H.264 encoder.
    """
    version = parse_version(_run(path, "-version", timeout=timeout))
    encoders_text = _run(path, "-encoders", timeout=timeout)
    muxers = parse_muxers(_run(path, "-muxers", timeout=timeout))
    info = FFmpegInfo(
        path=path,
        version=version,
        source=source,
        h264_encoders=supported_h264_encoders(encoders_text),
        has_hls="hls" in muxers,
        has_mpegts="mpegts" in muxers,
        has_aac="aac" in parse_encoders(encoders_text),
    )
    if not info.has_hls:
        raise FFmpegUnusable(f"{path} (ffmpeg {version}) was built without the hls muxer. {FIX_HINT}")
    if not info.h264_encoders:
        allowed = ", ".join(c.value for c in VideoCodec)
        raise FFmpegUnusable(f"{path} (ffmpeg {version}) has none of the H.264 encoders {allowed}. {FIX_HINT}")
    return info


def load_ffmpeg(configured_path: str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> FFmpegInfo:
    """:func:`find_ffmpeg` then :func:`inspect_ffmpeg`.

    Raises:
        FFmpegNotFound, FFmpegUnusable: both subclasses of :class:`FFmpegError`.
    """
    path, source = find_ffmpeg(configured_path)
    return inspect_ffmpeg(path, source, timeout=timeout)
