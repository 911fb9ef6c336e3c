"""Metric samples and playback reports: insert, read back in order, expire by age."""

from __future__ import annotations

from owncast_cli.db import Database
from owncast_cli.repos import metrics


def test_series_in_time_order_from_since(db: Database) -> None:
    metrics.add_samples(db, [("cpu", 30.0, 3.0), ("cpu", 10.0, 1.0), ("memory", 20.0, 50.0)], older_than=0.0)
    metrics.add_samples(db, [("cpu", 20.0, 2.0)], older_than=0.0)
    assert metrics.series(db, "cpu", 0.0) == [(10.0, 1.0), (20.0, 2.0), (30.0, 3.0)]
    assert metrics.series(db, "cpu", 20.0) == [(20.0, 2.0), (30.0, 3.0)]
    assert metrics.series(db, "memory", 0.0) == [(20.0, 50.0)]
    assert metrics.series(db, "disk", 0.0) == []


def test_old_samples_expire_when_new_ones_arrive(db: Database) -> None:
    metrics.add_samples(db, [("viewers", 10.0, 1.0), ("viewers", 20.0, 2.0)], older_than=0.0)
    metrics.add_samples(db, [], older_than=15.0)
    assert metrics.series(db, "viewers", 0.0) == [(20.0, 2.0)]


def test_a_series_can_be_kept_longer_than_the_rest(db: Database) -> None:
    metrics.add_samples(db, [("viewers", 10.0, 1.0), ("viewers", 20.0, 2.0), ("cpu", 20.0, 9.0)], older_than=0.0)
    metrics.add_samples(db, [("cpu", 40.0, 8.0)], older_than=30.0, kept_longer={"viewers": 15.0})
    assert metrics.series(db, "viewers", 0.0) == [(20.0, 2.0)]
    assert metrics.series(db, "cpu", 0.0) == [(40.0, 8.0)]


def test_playback_reports_stored_and_expired(db: Database) -> None:
    full = {"bandwidth": 2000.0, "latency": 3.5, "errors": 1.0, "downloadDuration": 0.4, "qualityVariantChanges": 2.0}
    bare = {"errors": 0.0, "qualityVariantChanges": 0.0}
    metrics.add_playback_reports(db, [(5.0, "old", bare)], older_than=0.0)
    metrics.add_playback_reports(db, [(100.0, "a", full), (101.0, "b", bare)], older_than=50.0)
    rows = db.execute("SELECT ts, client_id, bandwidth, latency, errors, download_duration, "
                      "quality_variant_changes FROM playback_reports ORDER BY id")
    assert rows == [(100.0, "a", 2000.0, 3.5, 1.0, 0.4, 2.0), (101.0, "b", None, None, 0.0, None, 0.0)]
