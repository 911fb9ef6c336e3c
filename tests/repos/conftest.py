"""Repository tests run on a migrated database in a temp file (WAL does not work with :memory:)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from owncast_cli.db import Database, open_database


@pytest.fixture
def db(datadir: Path) -> Iterator[Database]:
    database = open_database(datadir / "owncast.db", migrate=True)
    try:
        yield database
    finally:
        database.close()
