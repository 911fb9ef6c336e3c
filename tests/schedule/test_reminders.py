"""``schedule.reminder``: once per occurrence, at the configured lead time, across a SIGKILL."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import peewee
import pytest
import trio

from owncast_cli.bus import open_bus
from owncast_cli.config import ConfigStore
from owncast_cli.schedule import edits
from owncast_cli.serve import reminders
from tests.conftest import owncast
from tests.serve.conftest import start_serve

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def settings(db, **values) -> None:
    store = ConfigStore(db)
    defaults = {"schedule_enabled": True, "schedule_reminder_message": "Starting soon!",
                "schedule_reminder_minutes": 15, "server_url": "https://stream.example"}
    db.write(lambda: store.apply(store.plan({**defaults, **values})))


def add(db, name: str, start: datetime, **extra) -> str:
    return db.write(lambda: edits.upsert(db, {"name": name, "start": start.isoformat(), **extra}, NOW - timedelta(days=1)))


def reminders_in_log(db) -> list[dict]:
    return [json.loads(row[0]) for row in db.execute("SELECT data FROM events WHERE type = 'schedule.reminder' ORDER BY id")]


async def one_pass(db, run_dir: Path, now: datetime) -> tuple[int, float]:
    async with open_bus(db, run_dir, "serve") as bus:
        return await reminders.run_once(SimpleNamespace(db=db, bus=bus), ConfigStore(db).values(), now)


async def test_once_per_occurrence_across_restarts(db, datadir):
    settings(db)
    soon = add(db, "Soon", NOW + timedelta(minutes=10), timezone="Europe/Berlin", reminderMessage="Own text")
    later = add(db, "Later", NOW + timedelta(minutes=40))
    with trio.fail_after(10):
        sent, wait = await one_pass(db, datadir, NOW)
        assert (sent, wait) == (1, reminders.MAX_SLEEP)
        assert (await one_pass(db, datadir, NOW + timedelta(seconds=5)))[0] == 0  # a new bus: a restart
        assert (await one_pass(db, datadir, NOW + timedelta(minutes=26)))[0] == 1  # "Later" is due now
        assert (await one_pass(db, datadir, NOW + timedelta(minutes=27)))[0] == 0
    logged = reminders_in_log(db)
    assert [r["eventId"] for r in logged] == [soon, later]
    assert logged[0] == {"eventId": soon, "name": "Soon", "startsAt": "2026-03-01T12:10:00Z",
                         "message": "Own text\nSoon: Sunday 01 March 2026, 13:10 CET\nhttps://stream.example"}
    assert logged[1]["message"].startswith("Starting soon!\nLater: ")


async def test_a_second_reminder_slot(db, datadir):
    settings(db, schedule_reminder_minutes=60, schedule_second_reminder_minutes=15)
    event = add(db, "Show", NOW + timedelta(minutes=50))
    with trio.fail_after(10):
        sent, wait = await one_pass(db, datadir, NOW)  # 50 minutes ahead: the first is due
        assert (sent, wait) == (1, reminders.MAX_SLEEP)
        assert (await one_pass(db, datadir, NOW + timedelta(minutes=34)))[0] == 0
        assert (await one_pass(db, datadir, NOW + timedelta(minutes=35)))[0] == 1  # 15 minutes ahead
        assert (await one_pass(db, datadir, NOW + timedelta(minutes=36)))[0] == 0
    assert [r["eventId"] for r in reminders_in_log(db)] == [event, event]
    # A pass sleeps until the next reminder is due when that is sooner than 30 s.
    add(db, "Later", NOW + timedelta(minutes=60, seconds=10))
    with trio.fail_after(10):
        assert await one_pass(db, datadir, NOW) == (0, 10.0)


@pytest.mark.parametrize("case", ["cancelled", "started", "no message", "disabled", "lead 0"])
async def test_not_sent(db, datadir, case):
    settings(db, **{"no message": {"schedule_reminder_message": ""}, "disabled": {"schedule_enabled": False},
                    "lead 0": {"schedule_reminder_minutes": 0}}.get(case, {}))
    event = add(db, "Show", NOW + timedelta(minutes=10))
    if case == "cancelled":
        db.write(lambda: edits.remove(db, {"id": event, "cancel": True}, NOW))
    now = NOW + timedelta(minutes=11) if case == "started" else NOW
    with trio.fail_after(10):
        assert (await one_pass(db, datadir, now))[0] == 0
    assert reminders_in_log(db) == []


async def test_a_failed_transaction_sends_nothing_and_marks_nothing(db, datadir):
    """The mark and the event commit together: a publish that fails leaves the reminder owed."""
    settings(db)
    add(db, "Show", NOW + timedelta(minutes=10))
    db.execute("CREATE TRIGGER fail_reminders BEFORE INSERT ON events WHEN NEW.type = 'schedule.reminder' "
               "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with trio.fail_after(10):
        async with open_bus(db, datadir, "serve") as bus:
            with pytest.raises((peewee.IntegrityError, sqlite3.IntegrityError), match="disk full"):
                await reminders.run_once(SimpleNamespace(db=db, bus=bus), ConfigStore(db).values(), NOW)
    assert db.execute("SELECT COUNT(*) FROM schedule_reminders")[0][0] == 0
    db.execute("DROP TRIGGER fail_reminders")
    with trio.fail_after(10):
        assert (await one_pass(db, datadir, NOW))[0] == 1


def _wait_for_reminder(datadir: Path, name: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = sqlite3.connect(datadir / "owncast.db")
        try:
            rows = conn.execute("SELECT data FROM events WHERE type = 'schedule.reminder'").fetchall()
        finally:
            conn.close()
        if any(json.loads(r[0])["name"] == name for r in rows):
            return
        time.sleep(0.1)
    raise AssertionError(f"no reminder for {name} in {timeout}s:\n{(datadir / 'serve.log').read_text()}")


@pytest.mark.e2e
def test_sigkill_does_not_resend(datadir):
    """serve publishes A's reminder and is killed -9; a restart sends B's (due meanwhile), not A's again."""
    owncast("migrate", datadir=datadir, check=True)
    for key, value in [("schedule_enabled", "true"), ("schedule_reminder_message", "Soon!")]:
        owncast("config", "set", key, value, datadir=datadir, check=True)
    start = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    owncast("schedule", "add", "A", "--start", start, datadir=datadir, check=True)
    first = start_serve(datadir)
    try:
        _wait_for_reminder(datadir, "A")
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(5)
        owncast("schedule", "add", "B", "--start", start, datadir=datadir, check=True)
        second = start_serve(datadir)
        try:
            _wait_for_reminder(datadir, "B")
        finally:
            second.stop()
    finally:
        if first.proc.poll() is None:
            first.proc.kill()
    conn = sqlite3.connect(datadir / "owncast.db")
    names = [json.loads(r[0])["name"] for r in conn.execute("SELECT data FROM events WHERE type = 'schedule.reminder'")]
    conn.close()
    assert sorted(names) == ["A", "B"]
