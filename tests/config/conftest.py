"""Config tests run the CLI in-process on a copy of one migrated database (fast)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def template_db() -> Iterator[Path]:
    from owncast_cli.daemons.runner import prepare_database
    from owncast_cli.settings import Settings

    path = Path(tempfile.mkdtemp(prefix="oct-", dir="/tmp"))
    prepare_database(Settings(datadir=path), migrate=True).close()
    yield path / "owncast.db"
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def migrated(datadir: Path, template_db: Path) -> Path:
    shutil.copy(template_db, datadir / "owncast.db")
    return datadir
