"""Database backups with SQLite's online backup API, and a checked restore."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

#: Owncast's hourly backup file name.
HOURLY_NAME = "owncastdb.bak"


class RestoreError(RuntimeError):
    """The file is not a usable owncast database, or it cannot be swapped in now."""


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target`` (a temp file beside it), then rename.

    The source stays readable and writable by the daemons meanwhile (WAL), and the copy is a
    single point in time.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
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
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise RestoreError(f"{path} failed SQLite's integrity check: {result}")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"schema_version", "datastore"} <= tables:
                raise RestoreError(f"{path} is an SQLite file but not an owncast database")
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(f"{path} is not a readable SQLite database: {exc}") from None
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
