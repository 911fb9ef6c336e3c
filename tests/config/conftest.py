"""Config tests run the CLI in-process on a copy of one migrated database (fast)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def migrated(datadir: Path, template_db: Path) -> Path:
    shutil.copy(template_db, datadir / "owncast.db")
    return datadir
