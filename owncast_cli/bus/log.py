"""The durable half of the bus: the ``events`` table and subscribers' cursors (sync code)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from owncast_cli.bus.eventtype import BusEvent, encode
from owncast_cli.bus.events import Event

if TYPE_CHECKING:
    from owncast_cli.db import Database

_COLUMNS = "id, type, source, ts, data"


def append(db: Database, items: Sequence[BusEvent], source: str, *, now: float | None = None) -> list[Event]:
    """Insert events; the caller owns the transaction (so effects and events commit together)."""
    now = time.time() if now is None else now
    conn = db.peewee.connection()
    events = []
    for item in items:
        type_, data = encode(item)
        payload = json.dumps(data, separators=(",", ":"))
        cur = conn.execute(
            "INSERT INTO events (type, source, ts, data) VALUES (?, ?, ?, ?)",
            (type_, source, now, payload),
        )
        events.append(Event(int(cur.lastrowid), type_, source, now, data))
    return events


def read_since(
    db: Database, after_id: int, *, limit: int = 1000, types: Iterable[str] | None = None
) -> list[Event]:
    """Events with ``id > after_id`` in id order, at most ``limit``."""
    type_list = list(types or ())
    if type_list:
        marks = ",".join("?" * len(type_list))
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE id > ? AND type IN ({marks}) ORDER BY id LIMIT ?",
            (after_id, *type_list, limit),
        )
    else:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)
        )
    return [Event.from_row(row) for row in rows]


def latest(db: Database, type_name: str) -> Event | None:
    """The newest event of one type still in the log."""
    rows = db.execute(f"SELECT {_COLUMNS} FROM events WHERE type = ? ORDER BY id DESC LIMIT 1", (type_name,))
    return Event.from_row(rows[0]) if rows else None


def last_id(db: Database) -> int:
    rows = db.execute("SELECT MAX(id) FROM events")
    return int(rows[0][0] or 0)


def get_cursor(db: Database, name: str) -> int | None:
    rows = db.execute("SELECT last_id FROM bus_cursors WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else None


def set_cursor(db: Database, name: str, event_id: int) -> None:
    """Record ``event_id`` as acknowledged by ``name`` (call inside the handler's transaction)."""
    db.execute(
        "INSERT INTO bus_cursors (name, last_id, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET last_id = excluded.last_id, updated_at = excluded.updated_at "
        "WHERE excluded.last_id > bus_cursors.last_id",
        (name, event_id, time.time()),
    )


def prune(db: Database, keep_seconds: float, *, now: float | None = None) -> int:
    """Delete events older than ``keep_seconds`` that every durable cursor has passed."""
    rows = db.execute("SELECT MIN(last_id) FROM bus_cursors")
    floor = rows[0][0]
    cutoff = (time.time() if now is None else now) - keep_seconds
    if floor is None:
        cur = db.peewee.execute_sql("DELETE FROM events WHERE ts < ?", (cutoff,))
    else:
        cur = db.peewee.execute_sql("DELETE FROM events WHERE ts < ? AND id <= ?", (cutoff, floor))
    return int(cur.rowcount)
