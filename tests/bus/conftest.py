"""Bus tests in-process: each gets a copy of one migrated database and a short run directory."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from owncast_cli.db import Database, open_database


@pytest.fixture(scope="session")
def bus_template_db() -> Iterator[Path]:
    from owncast_cli.daemons.runner import prepare_database
    from owncast_cli.settings import Settings

    path = Path(tempfile.mkdtemp(prefix="obt-", dir="/tmp"))
    prepare_database(Settings(datadir=path), migrate=True).close()
    yield path / "owncast.db"
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def bus_db(datadir: Path, bus_template_db: Path) -> Iterator[Database]:
    shutil.copy(bus_template_db, datadir / "owncast.db")
    db = open_database(datadir / "owncast.db")
    try:
        yield db
    finally:
        db.close()
