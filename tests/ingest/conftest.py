"""Fixtures for the ingest tests: run-all without the transcoder (tests read run/ingest.sock)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer, start_run_all


def without_transcoder(datadir: Path) -> Iterator[RunningServer]:
    running = start_run_all(datadir, "--without", "transcode")
    try:
        running.wait_ready()
        yield running
    finally:
        running.proc.kill()
        running.proc.wait()


@pytest.fixture
def server(datadir: Path) -> Iterator[RunningServer]:
    yield from without_transcoder(datadir)
