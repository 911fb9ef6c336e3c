"""Fixtures for the chat daemon tests: one run-all per module, config changes it has applied."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunningServer, fresh_datadir, owncast, serving, start_run_all


def chat_caught_up(datadir: Path, timeout: float = 5) -> None:
    """Wait until the chat daemon acknowledged every bus event published so far."""
    conn = sqlite3.connect(datadir / "owncast.db")
    try:
        # The daemon's durable subscription acknowledges only the types it handles.
        from owncast_cli.chat.reactions import BUS_TYPES

        marks = ",".join("?" * len(BUS_TYPES))
        last = conn.execute(f"SELECT MAX(id) FROM events WHERE type IN ({marks})", BUS_TYPES).fetchone()[0] or 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = conn.execute("SELECT last_id FROM bus_cursors WHERE name = 'chat'").fetchone()
            if row and row[0] >= last:
                return
            time.sleep(0.02)
    finally:
        conn.close()
    raise AssertionError(f"chat did not handle bus events up to {last} in {timeout}s")


def set_config(server: RunningServer, key: str, value: str) -> None:
    owncast("config", "set", "--", key, value, datadir=server.datadir, check=True)
    chat_caught_up(server.datadir)


def publish(datadir: Path, type_: str, data: dict[str, Any]) -> None:
    """Publish a bus event as another daemon would (ingest's stream.started, ...)."""
    from owncast_cli.bus import log
    from owncast_cli.bus.push import push_sync
    from owncast_cli.db import open_database

    db = open_database(datadir / "owncast.db")
    try:
        events = db.write(lambda: log.append(db, [(type_, data)], "test"))
        push_sync(datadir / "run", events)
    finally:
        db.close()


@pytest.fixture(scope="module")
def chat_server() -> Iterator[RunningServer]:
    """One run-all shared by a module's tests (each test restores the config it changes)."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running
