"""The admin's time series (``metric_samples``) and the players' raw reports (``playback_reports``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class MetricSample(Model):
    name = peewee.TextField()
    ts = peewee.FloatField()
    value = peewee.FloatField()

    class Meta:
        table_name = "metric_samples"
        primary_key = False


class PlaybackReport(Model):
    id = peewee.AutoField()
    ts = peewee.FloatField()
    client_id = peewee.TextField()
    bandwidth = peewee.FloatField(null=True)
    latency = peewee.FloatField(null=True)
    errors = peewee.FloatField()
    download_duration = peewee.FloatField(null=True)
    quality_variant_changes = peewee.FloatField()

    class Meta:
        table_name = "playback_reports"


def add_samples(db: Database, samples: Iterable[tuple[str, float, float]], *, older_than: float,
                kept_longer: Mapping[str, float] | None = None) -> None:
    """Insert (name, ts, value) samples and delete every sample taken before ``older_than``,
    except the series named in ``kept_longer``, deleted before their own time instead."""
    rows = list(samples)
    if rows:
        MetricSample.insert_many(rows, fields=[MetricSample.name, MetricSample.ts, MetricSample.value]) \
            .bind(db.peewee).execute()
    longer = dict(kept_longer or {})
    MetricSample.delete().where((MetricSample.ts < older_than) & MetricSample.name.not_in(list(longer))) \
        .bind(db.peewee).execute()
    for name, before in longer.items():
        MetricSample.delete().where((MetricSample.name == name) & (MetricSample.ts < before)) \
            .bind(db.peewee).execute()


def series(db: Database, name: str, since: float) -> list[tuple[float, float]]:
    """(ts, value) of one series from ``since`` on, oldest first."""
    query = (MetricSample.select(MetricSample.ts, MetricSample.value)
             .where((MetricSample.name == name) & (MetricSample.ts >= since)).order_by(MetricSample.ts))
    return [(float(ts), float(value)) for ts, value in query.bind(db.peewee).tuples().iterator()]


def add_playback_reports(db: Database, reports: Iterable[tuple[float, str, dict[str, float]]], *,
                         older_than: float) -> None:
    """Insert (ts, client id, report) as ``serve.metrics.parse_report`` returns reports; delete
    those received before ``older_than``."""
    for ts, client, report in reports:
        PlaybackReport.insert(
            ts=ts, client_id=client, bandwidth=report.get("bandwidth"), latency=report.get("latency"),
            errors=report["errors"], download_duration=report.get("downloadDuration"),
            quality_variant_changes=report["qualityVariantChanges"]).bind(db.peewee).execute()
    PlaybackReport.delete().where(PlaybackReport.ts < older_than).bind(db.peewee).execute()
