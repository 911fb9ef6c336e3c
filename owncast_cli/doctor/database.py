"""The database: SQLite's integrity check, the schema version, and how old the newest backup is."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Final

from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, failed, passed, warning
from owncast_cli.repos import backup as files

#: run-all backs up hourly; a newest backup older than this means the chore is not running.
BACKUP_WARN_SECONDS: Final = 2 * 3600.0
RESTORE_FIX: Final = ("Stop the daemons and restore the newest good backup (`owncast restore "
                      "DATADIR/backup/owncastdb.bak`); check the disk (dmesg, smartctl).")


def _integrity(path: Path) -> tuple[Finding, files.FileContents | None]:
    try:
        found = files.inspect(path)
    except sqlite3.DatabaseError as exc:
        return failed("database.integrity", f"{path} cannot be read as SQLite: {exc}", RESTORE_FIX), None
    if found.integrity != "ok":
        complaint = found.integrity.replace("*** in database main ***", "").strip().replace("\n", "; ")
        return failed("database.integrity", f"SQLite's integrity check of {path} reports: {complaint}",
                      RESTORE_FIX), found
    return passed("database.integrity", f"SQLite's integrity check of {path}: ok"), found


def _schema(found: files.FileContents) -> Finding:
    from owncast_cli.db.migrations import SCHEMA_VERSION

    have = found.schema_version
    if have < SCHEMA_VERSION:
        return failed("database.schema", f"schema version {have}, this owncast needs {SCHEMA_VERSION}",
                      "Run `owncast migrate` (run-all does it when it starts).")
    if have > SCHEMA_VERSION:
        return failed("database.schema", f"schema version {have} is newer than this owncast ({SCHEMA_VERSION})",
                      "Upgrade owncast to the version that wrote this database.")
    return passed("database.schema", f"schema version {have} (current)")


def _backup(backup_dir: Path, now: float) -> Finding:
    candidates = [p for p in backup_dir.glob("*") if p.is_file() and p.suffix in (".bak", ".db")]
    if not candidates:
        return warning("database.backup", f"no backup in {backup_dir} yet",
                       "`owncast backup` makes one now; run-all makes one every hour.")
    newest = max(candidates, key=lambda p: p.stat().st_mtime)
    age = now - newest.stat().st_mtime
    try:
        good = files.inspect(newest).integrity == "ok"
    except sqlite3.DatabaseError:
        good = False
    if not good:
        return failed("database.backup", f"the newest backup {newest} is damaged",
                      "`owncast backup` now, and check the disk holding the backups.")
    seen = f"newest backup {newest.name} is {age / 3600:.1f} h old and passes the integrity check"
    if age > BACKUP_WARN_SECONDS:
        return warning("database.backup", seen, "The hourly backup is not running: keep run-all (or a daemon) "
                                                "running, or `owncast backup` from cron.")
    return passed("database.backup", seen)


def check(probe: Probe) -> list[Finding]:
    """Blocking: reads the files. The database may be damaged, so nothing here needs the config."""
    integrity, found = _integrity(probe.settings.db_path)
    out = [integrity]
    if found is not None:
        out.append(_schema(found))
    out.append(_backup(probe.settings.backup_dir, time.time()))
    return out


async def run(probe: Probe) -> list[Finding]:
    import trio

    return await trio.to_thread.run_sync(check, probe, abandon_on_cancel=True)
