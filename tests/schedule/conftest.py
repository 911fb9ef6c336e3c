"""Fixtures for the schedule tests: a migrated database, and ``owncast serve`` with the schedule on."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from owncast_cli.db import Database
from tests.conftest import RunningServer, owncast, serving
from tests.serve.conftest import start_serve

ADMIN = ("admin", "abc123")


@pytest.fixture
def db(template_db: Path) -> Iterator[Database]:
    """A migrated database of its own (a copy of the session's template)."""
    folder = Path(tempfile.mkdtemp(prefix="osd-", dir="/tmp"))
    shutil.copy(template_db, folder / "owncast.db")
    database = Database(folder / "owncast.db")
    try:
        yield database
    finally:
        database.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def schedule_server() -> Iterator[RunningServer]:
    """``owncast serve`` alone, the schedule feature on; the module's tests share it."""
    datadir = Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))
    owncast("migrate", datadir=datadir, check=True)
    owncast("config", "set", "schedule_enabled", "true", datadir=datadir, check=True)
    with serving(start_serve(datadir)) as running:
        yield running


@pytest.fixture
def admin(schedule_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=schedule_server.base_url, auth=ADMIN, timeout=10) as client:
        yield client


@pytest.fixture
def public(schedule_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=schedule_server.base_url, timeout=10) as client:
        yield client
