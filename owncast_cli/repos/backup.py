"""Whole-file operations on database copies: SQLite's online backup, and what a copy holds.

These work on files other than the open :class:`~owncast_cli.db.Database` (a backup being made
or checked), so they use the ``sqlite3`` module directly, read-only where they only read.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileContents:
    """What :func:`inspect` found in a database file."""

    integrity: str  # "ok", or SQLite's first complaint
    tables: frozenset[str]
    schema_version: int  # 0 without a schema_version table


def copy(source: Path, target: Path) -> None:
    """SQLite's online backup of ``source`` into ``target`` (created or overwritten).

    The source stays readable and writable by the daemons meanwhile (WAL), and the copy is a
    single point in time.
    """
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def inspect(path: Path) -> FileContents:
    """Run SQLite's integrity check on ``path`` and read its tables and schema version.

    Raises:
        sqlite3.DatabaseError: the file is not a readable SQLite database.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        tables = frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        version = 0
        if "schema_version" in tables:
            version = int(conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
    finally:
        conn.close()
    return FileContents(integrity, tables, version)
