"""Fixtures for the admin API tests: one run-all per module, an authenticated HTTP client."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningServer, start_run_all

ADMIN = ("admin", "abc123")


@pytest.fixture(scope="module")
def admin_server() -> Iterator[RunningServer]:
    """One run-all shared by a module's tests (tests restore what they change)."""
    datadir = Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))
    running = start_run_all(datadir)
    try:
        running.wait_ready()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()
        shutil.rmtree(datadir, ignore_errors=True)


@pytest.fixture
def admin(admin_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=admin_server.base_url, auth=ADMIN, timeout=10) as client:
        yield client
