"""Daemon records: which daemon runs where, since when, how often it restarted, and if it lives."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from owncast_cli.repos import daemons

if TYPE_CHECKING:
    from owncast_cli.db import Database


@dataclass(frozen=True)
class DaemonRecord:
    name: str
    pid: int
    state: str
    started_at: float
    restarts: int
    updated_at: float
    detail: str

    @property
    def alive(self) -> bool:
        if self.state not in ("running", "restarting"):
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    @property
    def shown_state(self) -> str:
        if self.state in ("running", "restarting") and not self.alive:
            return "dead"
        return self.state


def record(db: Database, name: str, state: str, *, restarts: int = 0, detail: str = "") -> None:
    """Record that this process runs daemon ``name`` in ``state``. Sync: a unit of work."""
    daemons.record(db, name, pid=os.getpid(), state=state, restarts=restarts, detail=detail, now=time.time())


def _record_of(row: daemons.Daemon) -> DaemonRecord:
    return DaemonRecord(row.name, row.pid, row.state, row.started_at, row.restarts, row.updated_at, row.detail)


def all_records(db: Database) -> list[DaemonRecord]:
    return [_record_of(row) for row in daemons.all_daemons(db)]


def find(db: Database, name: str) -> DaemonRecord | None:
    """Daemon ``name``'s record (one row: status routes ask on every request)."""
    row = daemons.one(db, name)
    return None if row is None else _record_of(row)


def running_elsewhere(db: Database) -> list[DaemonRecord]:
    """Daemons alive in other processes (restore refuses to run under them)."""
    return [r for r in all_records(db) if r.alive and r.pid != os.getpid()]
