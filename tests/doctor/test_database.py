"""The database checks: a flipped page, the schema version, the age and integrity of the newest backup."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from tests.conftest import owncast
from tests.doctor.conftest import doctor, finding


def flip_page(db: Path, table: str, start: int, count: int) -> int:
    """Invert ``count`` bytes from ``start`` of ``table``'s root page; return the page's number."""
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * page_size + start)
        header = f.read(count)
        f.seek((root - 1) * page_size + start)
        f.write(bytes(b ^ 0xFF for b in header))
    return int(root)


RESTORE = "restore the newest good backup (`owncast restore DATADIR/backup/owncastdb.bak`)"


def test_flipped_cell_pointers_fail_the_integrity_check(prepared: Path) -> None:
    page = flip_page(prepared / "owncast.db", "events", 8, 8)  # a leaf page's cell pointer array
    code, report = doctor(prepared, "database")
    assert code == 1
    integrity = finding(report, "database.integrity")
    assert integrity["status"] == "failed"
    assert f"SQLite's integrity check of {prepared / 'owncast.db'} reports: On tree page {page} cell" in integrity["seen"]
    assert RESTORE in integrity["fix"]


def test_a_flipped_page_header_makes_the_file_unreadable(prepared: Path) -> None:
    flip_page(prepared / "owncast.db", "events", 0, 16)
    code, report = doctor(prepared, "database", "security")
    assert code == 1
    integrity = finding(report, "database.integrity")
    assert integrity["status"] == "failed"
    assert integrity["seen"].endswith("cannot be read as SQLite: database disk image is malformed")
    assert RESTORE in integrity["fix"]
    # The config lives on another page: the other checks still run.
    assert finding(report, "security.admin_password")["status"] == "failed"


def test_a_healthy_database_with_a_fresh_then_an_old_backup(prepared: Path) -> None:
    code, report = doctor(prepared, "database")
    assert code == 0  # no backup yet is a warning
    assert finding(report, "database.integrity")["seen"].endswith(": ok")
    assert finding(report, "database.schema")["status"] == "passed"
    backup = finding(report, "database.backup")
    assert backup["status"] == "warning" and "`owncast backup` makes one now" in backup["fix"]

    made = Path(owncast("backup", datadir=prepared, check=True).stdout.strip())
    assert finding(doctor(prepared, "database")[1], "database.backup")["status"] == "passed"
    three_hours_ago = time.time() - 3 * 3600
    os.utime(made, (three_hours_ago, three_hours_ago))
    backup = finding(doctor(prepared, "database")[1], "database.backup")
    assert backup["status"] == "warning" and f"{made.name} is 3.0 h old" in backup["seen"]
    assert "The hourly backup is not running" in backup["fix"]


def test_a_damaged_backup(prepared: Path) -> None:
    backups = prepared / "backup"
    backups.mkdir()
    shutil.copy(prepared / "owncast.db", backups / "owncastdb.bak")
    flip_page(backups / "owncastdb.bak", "datastore", 8, 8)
    code, report = doctor(prepared, "database")
    assert code == 1
    backup = finding(report, "database.backup")
    assert backup["status"] == "failed" and "owncastdb.bak is damaged" in backup["seen"]


def test_an_outdated_schema(prepared: Path) -> None:
    conn = sqlite3.connect(prepared / "owncast.db")
    newest = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
    conn.execute("DELETE FROM schema_version WHERE version = ?", (newest,))
    conn.commit()
    conn.close()
    code, report = doctor(prepared, "database")
    assert code == 1
    schema = finding(report, "database.schema")
    assert schema["status"] == "failed" and f"this owncast needs {newest}" in schema["seen"]
    assert schema["fix"] == "Run `owncast migrate` (run-all does it when it starts)."
