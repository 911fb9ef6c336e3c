"""Bus tests in-process: each gets a copy of one migrated database and a short run directory."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from owncast_cli.db import Database, open_database


@pytest.fixture
def bus_db(datadir: Path, template_db: Path) -> Iterator[Database]:
    shutil.copy(template_db, datadir / "owncast.db")
    db = open_database(datadir / "owncast.db")
    try:
        yield db
    finally:
        db.close()
