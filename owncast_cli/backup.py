"""Database backups with SQLite's online backup API, and a checked restore."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from owncast_cli.repos import backup as files

#: Owncast's hourly backup file name.
HOURLY_NAME = "owncastdb.bak"


class RestoreError(RuntimeError):
    """The file is not a usable owncast database, or it cannot be swapped in now."""


def _copy(source: Path, target: Path) -> None:
    """Back ``source`` up into a temp file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    files.copy(source, tmp)
    os.replace(tmp, target)


def backup_to(db_path: Path, target: Path) -> Path:
    """Copy a consistent snapshot of the live database to ``target`` (atomically replaced)."""
    _copy(db_path, target)
    return target


def timestamped_name() -> str:
    return time.strftime("owncast-%Y%m%d-%H%M%S.db", time.localtime())


def check_file(path: Path) -> int:
    """Return the schema version of a backup after an integrity check; raise RestoreError."""
    from owncast_cli.db.migrations import SCHEMA_VERSION

    if not path.is_file():
        raise RestoreError(f"{path}: no such file")
    try:
        found = files.inspect(path)
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{path} is not a readable SQLite database: {exc}") from None
    if found.integrity != "ok":
        raise RestoreError(f"{path} failed SQLite's integrity check: {found.integrity}")
    if not {"schema_version", "datastore"} <= found.tables:
        raise RestoreError(f"{path} is an SQLite file but not an owncast database")
    version = found.schema_version
    if version > SCHEMA_VERSION:
        raise RestoreError(f"{path} comes from a newer owncast (schema {version} > {SCHEMA_VERSION})")
    return int(version)


def restore(backup: Path, db_path: Path) -> int:
    """Swap ``backup`` in as the database. The caller has made sure no daemon runs."""
    version = check_file(backup)
    for suffix in ("-wal", "-shm"):
        try:
            os.unlink(str(db_path) + suffix)
        except FileNotFoundError:
            pass
    _copy(backup, db_path)
    return version
