"""The runtime table: JSON values by key, and chores claimed by one process at a time."""

from __future__ import annotations

import threading
from pathlib import Path

from owncast_cli.db import Database, open_database
from owncast_cli.repos import runtime


def test_get_put_round_trip_and_replace(db: Database) -> None:
    assert runtime.get(db, "stream") is None
    assert runtime.get(db, "stream", {"online": False}) == {"online": False}
    runtime.put(db, "stream", {"online": True, "title": "été"}, now=10.0)
    assert runtime.get(db, "stream") == {"online": True, "title": "été"}
    runtime.put(db, "stream", [1, 2], now=11.0)
    assert runtime.get(db, "stream") == [1, 2]
    assert db.execute("SELECT updated_at FROM runtime WHERE key = 'stream'") == [(11.0,)]


def test_claim_once_per_interval(db: Database) -> None:
    assert db.write(lambda: runtime.claim(db, "chore", 60.0, now=1000.0))
    assert not db.write(lambda: runtime.claim(db, "chore", 60.0, now=1059.0))
    assert db.write(lambda: runtime.claim(db, "chore", 60.0, now=1060.0))
    assert runtime.get(db, "chore") == 1060.0


def test_claim_reads_the_value_earlier_versions_wrote(db: Database) -> None:
    # Before the repository, housekeeping stored str(time.time()): the same text as JSON.
    db.execute("INSERT INTO runtime (key, value, updated_at) VALUES ('chore', '1000.5', 1000.5)")
    assert not db.write(lambda: runtime.claim(db, "chore", 60.0, now=1001.0))


def test_concurrent_claims_have_one_winner(db: Database, datadir: Path) -> None:
    # Two connections (as two daemon processes would have) race for the same chore.
    other = open_database(datadir / "owncast.db")
    barrier, results = threading.Barrier(2), []

    def race(database: Database) -> None:
        barrier.wait()
        results.append(database.write(lambda: runtime.claim(database, "backup", 3600.0, now=5000.0)))
        database.close()

    threads = [threading.Thread(target=race, args=(d,)) for d in (db, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(results) == [False, True]
