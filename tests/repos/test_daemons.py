"""The daemons table: one row per name; started_at moves only when a daemon (re)starts running."""

from __future__ import annotations

import os

from owncast_cli.daemons import records
from owncast_cli.db import Database
from owncast_cli.repos import daemons


def test_record_and_list_by_name(db: Database) -> None:
    daemons.record(db, "serve", pid=10, state="running", restarts=0, detail="http://127.0.0.1:1", now=1.0)
    daemons.record(db, "chat", pid=11, state="running", restarts=0, detail="", now=2.0)
    rows = daemons.all_daemons(db)
    assert [(d.name, d.pid, d.state, d.started_at, d.detail) for d in rows] == [
        ("chat", 11, "running", 2.0, ""), ("serve", 10, "running", 1.0, "http://127.0.0.1:1")]


def test_started_at_moves_only_on_a_new_start(db: Database) -> None:
    daemons.record(db, "chat", pid=1, state="running", restarts=0, detail="", now=1.0)
    daemons.record(db, "chat", pid=1, state="running", restarts=0, detail="again", now=5.0)
    (row,) = daemons.all_daemons(db)
    assert (row.started_at, row.updated_at, row.detail) == (1.0, 5.0, "again")
    daemons.record(db, "chat", pid=1, state="restarting", restarts=1, detail="boom", now=6.0)
    (row,) = daemons.all_daemons(db)
    assert (row.state, row.started_at, row.restarts) == ("restarting", 1.0, 1)
    daemons.record(db, "chat", pid=2, state="running", restarts=1, detail="", now=7.0)
    (row,) = daemons.all_daemons(db)
    assert (row.pid, row.state, row.started_at, row.updated_at) == (2, "running", 7.0, 7.0)


def test_records_know_who_is_alive(db: Database) -> None:
    records.record(db, "serve", "running")
    daemons.record(db, "ingest", pid=2 ** 22 + 1, state="running", restarts=0, detail="", now=1.0)  # no such pid
    daemons.record(db, "chat", pid=os.getppid(), state="running", restarts=0, detail="", now=1.0)
    shown = {r.name: r.shown_state for r in records.all_records(db)}
    assert shown == {"serve": "running", "ingest": "dead", "chat": "running"}
    assert [r.name for r in records.running_elsewhere(db)] == ["chat"]
    assert {r.name: r.pid for r in records.all_records(db)}["serve"] == os.getpid()
