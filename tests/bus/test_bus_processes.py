"""The bus across real processes: order, no gaps after SIGKILL, exactly-once effects, pipes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import OWNCAST, ROOT, owncast

HERE = Path(__file__).parent
COUNT = 10_000


def _script(name: str, *args: object) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(HERE / name), *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _effects(db: Path) -> tuple[int, int]:
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT COUNT(*), COUNT(DISTINCT event_id) FROM effects").fetchone()
    except sqlite3.OperationalError:
        return (0, 0)
    finally:
        conn.close()


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_live_delivery_in_order_to_another_process(migrated: Path) -> None:
    tail = subprocess.Popen([*OWNCAST, "events", "tail", "--json", "--type", "test.tick", "--count", str(COUNT),
                             "--datadir", str(migrated)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    # tail starts from "now": wait until its bus socket exists before publishing.
    _wait_for(lambda: len(list((migrated / "run" / "bus").glob("*.sock"))) >= 1, 10, "tail's socket")
    publisher = _script("publisher.py", migrated, COUNT, 0)
    out, _ = tail.communicate(timeout=60)
    assert publisher.wait(timeout=30) == 0
    ns = [json.loads(line)["data"]["n"] for line in out.splitlines()]
    assert ns == list(range(COUNT))


def test_killed_subscriber_resumes_without_gap_and_effects_apply_once(migrated: Path) -> None:
    db = migrated / "owncast.db"
    sub = _script("subscriber.py", migrated, "durable")
    assert sub.stdout.readline().strip() == "ready"
    publisher = _script("publisher.py", migrated, COUNT, 4000)  # ~2.5 s of events
    _wait_for(lambda: _effects(db)[0] >= 2500, 30, "the subscriber to handle 2,500 events")
    sub.send_signal(signal.SIGKILL)
    sub.wait(timeout=5)
    handled_before = _effects(db)[0]
    assert handled_before < COUNT  # killed mid-stream
    sub = _script("subscriber.py", migrated, "durable")
    try:
        assert sub.stdout.readline().strip() == "ready"
        assert publisher.wait(timeout=60) == 0
        _wait_for(lambda: _effects(db)[1] >= COUNT, 60, "all events to be handled")
        time.sleep(0.3)  # let a (wrong) duplicate delivery show up if there were one
        total, distinct = _effects(db)
        assert (total, distinct) == (COUNT, COUNT)
        conn = sqlite3.connect(db)
        handled = [row[0] for row in conn.execute("SELECT n FROM effects ORDER BY rowid")]
        assert handled == list(range(COUNT))  # in order, across the restart
    finally:
        sub.kill()
        sub.wait()


def test_two_processes_write_config_and_events_at_once(migrated: Path) -> None:
    writers = [_script("writer.py", migrated, tag, 800) for tag in ("a", "b")]
    for proc in writers:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    conn = sqlite3.connect(migrated / "owncast.db")
    rows = conn.execute("SELECT data FROM events WHERE type = 'test.write'").fetchall()
    seen = {(d["tag"], d["i"]) for d in (json.loads(r[0]) for r in rows)}
    assert seen == {(tag, i) for tag in "ab" for i in range(800)}
    changes = conn.execute(
        "SELECT COUNT(*) FROM events WHERE type = 'config.changed' AND source IN ('a', 'b')"
    ).fetchone()[0]
    assert changes == 1600  # every write of the title was recorded


def test_events_tail_into_head_exits_cleanly(migrated: Path) -> None:
    for title in ("one", "two", "three", "four", "five", "six"):
        owncast("config", "set", "stream_title", title, datadir=migrated, check=True)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c",
         f"{' '.join(OWNCAST)} events tail --json --since 0 --datadir {migrated} | head -n 5"],
        capture_output=True, text=True, timeout=30, cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 5
    assert "Traceback" not in result.stderr
