"""Session fixtures shared by media and transcoder tests: every ffmpeg on the machine and a small FLV."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from owncast_cli.media.ffmpeg import FFmpegInfo, FFmpegSource, _bundled_ffmpeg, inspect_ffmpeg, load_ffmpeg
from owncast_cli.transcode.argv import Slate, build_offline_clip_argv, offline_video_sources

FFMPEG_TIMEOUT = 10.0
#: Debian's package (5.1 on Debian 12): the README's test command installs it with apt.
SYSTEM_FFMPEG = "/usr/bin/ffmpeg"


def run_ffmpeg(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run an ffmpeg argv, time-boxed; fail the test with ffmpeg's stderr on error."""
    done = subprocess.run(argv, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done


def make_slate(ffmpeg: FFmpegInfo, out: Path, seconds: float, width: int, height: int) -> Path:
    """An offline-clip-like ``.ts`` (our slate at another size), drawn the way this ffmpeg can."""
    source = offline_video_sources(ffmpeg.capabilities, Slate(width=width, height=height))[0]
    run_ffmpeg(build_offline_clip_argv(ffmpeg.path, out, seconds, video_source=source))
    return out


@pytest.fixture(scope="session")
def default_ffmpeg(tmp_path_factory: pytest.TempPathFactory) -> FFmpegInfo:
    """The ffmpeg the daemons would pick here (PATH first)."""
    return load_ffmpeg(cache_dir=tmp_path_factory.mktemp("ffmpeg-caps"))


@pytest.fixture(scope="session")
def ffmpeg_path(default_ffmpeg: FFmpegInfo) -> str:
    """:func:`default_ffmpeg`'s path: for tests that only read media."""
    return default_ffmpeg.path


@pytest.fixture(scope="session", params=["bundled", "system"])
def each_ffmpeg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> FFmpegInfo:
    """Every ffmpeg the machine has, one test run each: imageio-ffmpeg's and Debian's.

    Tests that build media from command lines use this; a binary that is absent is skipped.
    """
    if request.param == "bundled":
        path, source = _bundled_ffmpeg(), FFmpegSource.BUNDLED
    else:
        path, source = SYSTEM_FFMPEG, FFmpegSource.PATH
    if not path or not os.access(path, os.X_OK):
        pytest.skip(f"no {request.param} ffmpeg on this machine")
    return inspect_ffmpeg(path, source, cache_dir=tmp_path_factory.mktemp("ffmpeg-caps"))


@pytest.fixture(scope="session")
def sample_flv(tmp_path_factory: pytest.TempPathFactory, ffmpeg_path: str) -> Path:
    """4 s of 640x360 30 fps H.264 + AAC in FLV, shaped like an OBS feed."""
    out = tmp_path_factory.mktemp("media") / "sample.flv"
    run_ffmpeg([ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
                "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "60",
                "-c:a", "aac", "-f", "flv", str(out)])
    return out
