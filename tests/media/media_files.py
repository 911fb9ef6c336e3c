"""Session fixtures shared by media and transcoder tests: the real ffmpeg and a small FLV."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from owncast_cli.media.ffmpeg import load_ffmpeg

FFMPEG_TIMEOUT = 10.0


def run_ffmpeg(argv: list[str]) -> subprocess.CompletedProcess[bytes]:
    """Run an ffmpeg argv, time-boxed; fail the test with ffmpeg's stderr on error."""
    done = subprocess.run(argv, capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done


@pytest.fixture(scope="session")
def ffmpeg_path() -> str:
    return load_ffmpeg().path


@pytest.fixture(scope="session")
def sample_flv(tmp_path_factory: pytest.TempPathFactory, ffmpeg_path: str) -> Path:
    """4 s of 640x360 30 fps H.264 + AAC in FLV, shaped like an OBS feed."""
    out = tmp_path_factory.mktemp("media") / "sample.flv"
    run_ffmpeg([ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc=size=640x360:rate=30", "-f", "lavfi", "-i", "sine=frequency=440",
                "-t", "4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "60",
                "-c:a", "aac", "-f", "flv", str(out)])
    return out
