"""Online backup of a live database, and what a copy holds (integrity, tables, schema)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from owncast_cli.db import SCHEMA_VERSION, Database
from owncast_cli.repos import backup, runtime


def test_copy_while_a_writer_holds_uncommitted_work(db: Database, datadir: Path) -> None:
    runtime.put(db, "kept", 1, now=1.0)
    target = datadir / "copy.db"
    with db.peewee.atomic("IMMEDIATE"):
        runtime.put(db, "uncommitted", 2, now=2.0)
        backup.copy(db.path, target)  # a snapshot of what was committed; the writer is not blocked
    found = backup.inspect(target)
    assert found.integrity == "ok"
    assert {"datastore", "events", "runtime", "schema_version"} <= found.tables
    assert found.schema_version == SCHEMA_VERSION
    conn = sqlite3.connect(target)
    assert conn.execute("SELECT key FROM runtime").fetchall() == [("kept",)]
    conn.close()


def test_inspect_a_file_that_is_not_ours(datadir: Path) -> None:
    plain = datadir / "plain.db"
    conn = sqlite3.connect(plain)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert backup.inspect(plain) == backup.FileContents("ok", frozenset({"t"}), 0)
    junk = datadir / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        backup.inspect(junk)
