"""Fixtures for serve: ``owncast serve`` alone (no transcoder touching data/hls), real HLS media."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import OWNCAST, ROOT, RunningServer, owncast, serving
from tests.serve.media import write_hls

VARIANTS = ('[{"videoBitrate":600,"framerate":24},'
            '{"videoBitrate":300,"framerate":24,"scaledWidth":160,"name":"Low"}]')


def start_serve(datadir: Path, *extra: str) -> RunningServer:
    """``owncast serve`` alone on a free port, as its own unit would run it."""
    log = datadir / "serve.log"
    started = time.time()
    proc = subprocess.Popen(
        [*OWNCAST, "serve", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
         "--webserverport", "0", *extra],
        stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    return RunningServer(proc, datadir, log, started)


def prepared_datadir() -> Path:
    datadir = Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))
    owncast("migrate", datadir=datadir, check=True)
    owncast("config", "set", "video_stream_output_variants", VARIANTS, datadir=datadir, check=True)
    return datadir


@pytest.fixture(scope="module")
def hls_server() -> Iterator[RunningServer]:
    """A running serve whose data/hls holds two variants of 4 one-second segments."""
    datadir = prepared_datadir()
    write_hls(datadir / "hls")
    with serving(start_serve(datadir)) as running:
        yield running
