"""Fixtures for serve: one run-all per module, with HLS media written by real ffmpeg."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer, owncast, start_run_all
from tests.serve.media import write_hls


@pytest.fixture(scope="module")
def hls_server() -> Iterator[RunningServer]:
    """A running run-all whose data/hls holds two variants of 4 one-second segments."""
    datadir = Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))
    owncast("migrate", datadir=datadir, check=True)
    owncast("config", "set", "video_stream_output_variants",
            '[{"videoBitrate":600,"framerate":24},{"videoBitrate":300,"framerate":24,"scaledWidth":160,"name":"Low"}]',
            datadir=datadir, check=True)
    write_hls(datadir / "hls")
    running = start_run_all(datadir)
    try:
        running.wait_ready()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()
        shutil.rmtree(datadir, ignore_errors=True)
