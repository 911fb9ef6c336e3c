"""The ``daemons`` table: which daemon runs where, since when, and how often it restarted."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    now = time.time()
    db.execute(
        "INSERT INTO daemons (name, pid, state, started_at, restarts, updated_at, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET pid = excluded.pid, "
        "state = excluded.state, restarts = excluded.restarts, updated_at = excluded.updated_at, "
        "detail = excluded.detail, started_at = CASE WHEN excluded.state = 'running' "
        "AND daemons.state != 'running' THEN excluded.started_at ELSE daemons.started_at END",
        (name, os.getpid(), state, now, restarts, now, detail),
    )


def all_records(db: Database) -> list[DaemonRecord]:
    rows = db.execute(
        "SELECT name, pid, state, started_at, restarts, updated_at, detail FROM daemons ORDER BY name"
    )
    return [DaemonRecord(*row) for row in rows]


def running_elsewhere(db: Database) -> list[DaemonRecord]:
    """Daemons alive in other processes (restore refuses to run under them)."""
    return [r for r in all_records(db) if r.alive and r.pid != os.getpid()]
