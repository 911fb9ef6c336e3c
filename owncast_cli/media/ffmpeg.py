"""Find an ffmpeg binary, learn what it can do (cached per binary), and check it can stream."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from owncast_cli.media.capabilities import (
    Capabilities,
    parse_encoders,
    parse_filters,
    parse_muxers,
    parse_options,
    parse_version,
)
from owncast_cli.media.codecs import VideoCodec

logger = logging.getLogger("owncast.media.ffmpeg")

FIX_HINT: Final = (
    "Fix it with one of: `owncast config set ffmpeg_path /path/to/ffmpeg` (or `--ffmpeg PATH`); install "
    "ffmpeg (e.g. `apt install ffmpeg`); or `pip install imageio-ffmpeg` for a bundled static build."
)
EXPLICIT_ALLOWED: Final = "the path of an executable ffmpeg, or a command name on PATH"
DEFAULT_TIMEOUT: Final = 10.0
#: The ``-h`` topics whose option ranges the command lines depend on (transcode/argv.py): the
#: offline clip's ``gradients`` source changed its ``speed`` range (5.1: from 1e-05, 9.x: from 0).
HELP_TOPICS: Final = ("filter=gradients",)


class FFmpegError(RuntimeError):
    """ffmpeg cannot be used; the message says what to do."""


class FFmpegNotFound(FFmpegError):
    """No ffmpeg binary at the chosen path, on PATH, or bundled."""


class FFmpegUnusable(FFmpegError):
    """An ffmpeg binary was found but does not run or lacks what streaming needs."""


class FFmpegSource(StrEnum):
    """Where the binary came from, in order of precedence."""

    FLAG = "flag"
    CONFIG = "config"
    PATH = "path"
    BUNDLED = "bundled"

    @property
    def described(self) -> str:
        """For ``owncast status`` and the startup log."""
        return {"flag": "--ffmpeg", "config": "config ffmpeg_path", "path": "PATH",
                "bundled": "bundled imageio-ffmpeg"}[self.value]


@dataclass(frozen=True)
class FFmpegInfo:
    """A checked ffmpeg binary: where it is, where it came from, and what it offers."""

    path: str
    source: FFmpegSource
    capabilities: Capabilities

    @property
    def version(self) -> str:
        return self.capabilities.version

    @property
    def h264_encoders(self) -> tuple[VideoCodec, ...]:
        """The supported H.264 encoders it was built with, in :class:`VideoCodec` order."""
        return supported_h264_encoders(self.capabilities.encoders)

    @property
    def has_hls(self) -> bool:
        return "hls" in self.capabilities.muxers

    @property
    def has_mpegts(self) -> bool:
        return "mpegts" in self.capabilities.muxers

    @property
    def has_aac(self) -> bool:
        return "aac" in self.capabilities.encoders

    @property
    def name(self) -> str:
        """``/usr/bin/ffmpeg (ffmpeg 5.1.9-0+deb12u1, from PATH)``: for warnings that name the binary."""
        return f"{self.path} (ffmpeg {self.version or 'of unknown version'}, from {self.source.described})"

    def supports(self, codec: VideoCodec | str) -> bool:
        """True when ``codec`` was compiled in (the hardware may still be missing)."""
        return codec in {c.value for c in self.h264_encoders}


def supported_h264_encoders(encoders: Iterable[str]) -> tuple[VideoCodec, ...]:
    """The H.264 encoders Owncast can drive among ``encoders`` (names), in :class:`VideoCodec` order."""
    present = set(encoders)
    return tuple(codec for codec in VideoCodec if codec.value in present)


def _bundled_ffmpeg() -> str | None:
    try:
        import imageio_ffmpeg  # optional: only its binary is wanted
    except ImportError:
        return None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError:
        return None  # the package is installed without a binary for this platform


def resolve_explicit(value: str, name: str) -> str:
    """The executable ``value`` names (a path, ``~`` expanded, or a command on PATH).

    Args:
        name: how the operator gave it (``"--ffmpeg"``, ``"ffmpeg_path"``), for the message.

    Raises:
        FFmpegNotFound: naming ``name``, the value and what is allowed.
    """
    expanded = os.path.expanduser(value)
    resolved = shutil.which(expanded)
    if resolved is None or not os.path.isfile(resolved):
        what = "no such file" if not os.path.lexists(expanded) and os.sep in expanded else "not an executable file"
        raise FFmpegNotFound(f"invalid value for {name}: {value!r} ({what}); allowed: {EXPLICIT_ALLOWED}")
    return os.path.abspath(resolved)


def find_ffmpeg(configured_path: str | None = None, *, flag_path: str | None = None) -> tuple[str, FFmpegSource]:
    """Locate ffmpeg: ``--ffmpeg``, else the ``ffmpeg_path`` config key, else PATH, else imageio-ffmpeg's.

    An explicit path that does not resolve is an error rather than a silent fallback: the
    operator asked for that binary.

    Raises:
        FFmpegNotFound: with the fix in the message.
    """
    try:
        if flag_path:
            return resolve_explicit(flag_path, "--ffmpeg"), FFmpegSource.FLAG
        if configured_path:
            return resolve_explicit(configured_path, "ffmpeg_path"), FFmpegSource.CONFIG
    except FFmpegNotFound as exc:
        raise FFmpegNotFound(f"{exc}. {FIX_HINT}") from None
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


def query_capabilities(path: str, *, timeout: float = DEFAULT_TIMEOUT,
                       help_topics: tuple[str, ...] = HELP_TOPICS) -> Capabilities:
    """Ask the binary for its version, encoders, muxers, filters and the options of ``help_topics``.

    Blocking: the listings run side by side in threads (Debian's dynamically linked build takes
    ~70 ms per call). A topic the build lacks lists no options.

    Raises:
        FFmpegUnusable: a listing failed or timed out.
    """
    queries = [("-version",), ("-encoders",), ("-muxers",), ("-filters",), *(("-h", t) for t in help_topics)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda args: _run(path, *args, timeout=timeout), queries))
    version, encoders, muxers, filters, *helps = texts
    return Capabilities(
        version=parse_version(version), encoders=frozenset(parse_encoders(encoders)),
        muxers=parse_muxers(muxers), filters=parse_filters(filters),
        options={topic: parse_options(text) for topic, text in zip(help_topics, helps, strict=True)})


def _cache_file(cache_dir: Path, path: str, help_topics: tuple[str, ...]) -> Path:
    st = os.stat(path)
    # A replaced binary (apt upgrade, a new wheel) has another inode, size or mtime.
    key = json.dumps([os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns, help_topics])
    return cache_dir / f"ffmpeg-{hashlib.sha256(key.encode()).hexdigest()[:16]}.json"


def cached_capabilities(path: str, cache_dir: Path | None, *, timeout: float = DEFAULT_TIMEOUT) -> Capabilities:
    """:func:`query_capabilities`, remembered in ``cache_dir`` per binary (path, inode, size, mtime)."""
    if cache_dir is None:
        return query_capabilities(path, timeout=timeout)
    try:
        cache = _cache_file(cache_dir, path, HELP_TOPICS)
    except OSError as exc:
        raise FFmpegUnusable(f"{path} cannot be run: {exc}. {FIX_HINT}") from None
    try:
        return Capabilities.from_json(json.loads(cache.read_text()))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("ignoring the unreadable ffmpeg capability cache %s: %s", cache, exc)
    caps = query_capabilities(path, timeout=timeout)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(caps.to_json()))
        os.replace(partial, cache)
    except OSError as exc:
        logger.warning("could not cache ffmpeg's capabilities in %s: %s", cache_dir, exc)
    return caps


def inspect_ffmpeg(path: str, source: FFmpegSource = FFmpegSource.CONFIG, *, timeout: float = DEFAULT_TIMEOUT,
                   cache_dir: Path | None = None) -> FFmpegInfo:
    """Learn what the binary at ``path`` can do and check it can stream.

    Blocking (short subprocesses): call it once at startup, from a thread.

    Raises:
        FFmpegUnusable: it does not run, or lacks the hls muxer or any H.264 encoder.
    """
    info = FFmpegInfo(path=path, source=source, capabilities=cached_capabilities(path, cache_dir, timeout=timeout))
    if not info.has_hls:
        raise FFmpegUnusable(f"{path} (ffmpeg {info.version}) was built without the hls muxer. {FIX_HINT}")
    if not info.h264_encoders:
        allowed = ", ".join(c.value for c in VideoCodec)
        raise FFmpegUnusable(f"{path} (ffmpeg {info.version}) has none of the H.264 encoders {allowed}. {FIX_HINT}")
    return info


def load_ffmpeg(configured_path: str | None = None, *, flag_path: str | None = None,
                timeout: float = DEFAULT_TIMEOUT, cache_dir: Path | None = None) -> FFmpegInfo:
    """:func:`find_ffmpeg` then :func:`inspect_ffmpeg`.

    Raises:
        FFmpegNotFound, FFmpegUnusable: both subclasses of :class:`FFmpegError`.
    """
    path, source = find_ffmpeg(configured_path, flag_path=flag_path)
    return inspect_ffmpeg(path, source, timeout=timeout, cache_dir=cache_dir)
