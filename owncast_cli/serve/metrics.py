"""Player health reports (``POST /api/metrics/playback`` and CMCD), aggregated every 2 minutes.

Owncast's ``metrics/playback.go``: within a window each client counts once, with its latest
throughput, latency and segment download time, and the sum of the errors and quality-variant
changes it reported (a changed CMCD ``br`` is one more change; the baselines reset every window).
Every two minutes the window is folded into a stream-health overview (lowest, median, highest of
each figure across clients), which is kept in the ``runtime`` table as ``playback_health`` for the
admin status, and published as ``stream.health``. Unlike Owncast, the raw reports are kept too
(table ``playback_reports``, a week), written in batches every few seconds and on shutdown.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import StreamHealth
from owncast_cli.repos import metrics
from owncast_cli.serve.cmcd import PlaybackReport
from owncast_cli.serve.playback_clients import PlaybackClients

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

AGGREGATE_SECONDS: Final = 120.0
#: Raw reports are written at most this often (one transaction for all that arrived meanwhile).
RAW_FLUSH_SECONDS: Final = 5.0
RAW_RETENTION_SECONDS: Final = 7 * 24 * 3600.0
HEALTH_KEY: Final = "playback_health"
_NUMBERS: Final = ("bandwidth", "latency", "errors", "downloadDuration", "qualityVariantChanges")
#: Owncast checks them in this order (webserver/handlers/playbackMetrics.go).
_REQUIRED: Final = ("errors", "qualityVariantChanges")


class MetricsError(ValueError):
    """A report that does not match Owncast's PlaybackMetrics shape."""


def parse_report(body: Any, client: str) -> PlaybackReport:
    """A legacy report: an object with numeric fields, ``errors`` and ``qualityVariantChanges``
    required (Owncast's messages); a null is Go's zero value, which Owncast ignores."""
    if not isinstance(body, dict):
        raise MetricsError("expected a JSON object with errors and qualityVariantChanges")
    values: dict[str, float] = {}
    for name in _NUMBERS:
        value = body.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
            raise MetricsError(f"{name} must be a non-negative number (got {value!r})")
        values[name] = float(value)
    for name in _REQUIRED:
        if name not in values:
            raise MetricsError(f"{name} field is required")
    return PlaybackReport(client, bandwidth_kbps=values.get("bandwidth", 0.0),
                          latency_seconds=values.get("latency", 0.0),
                          download_seconds=values.get("downloadDuration", 0.0),
                          errors=values["errors"], variant_changes=values["qualityVariantChanges"], viewer_id=client)


def _spread(values: list[float], digits: int | None = None) -> dict[str, float] | None:
    if not values:
        return None
    spread = {"min": min(values), "median": statistics.median(values), "max": max(values)}
    return {k: float(round(v, digits)) for k, v in spread.items()} if digits is not None else spread


@dataclass
class Window:
    """One aggregation window: per client, its latest figures and its summed counts."""

    bandwidth: dict[str, float] = field(default_factory=dict)
    latency: dict[str, float] = field(default_factory=dict)
    download: dict[str, float] = field(default_factory=dict)
    errors: dict[str, float] = field(default_factory=dict)
    variant_changes: dict[str, float] = field(default_factory=dict)
    #: The last encoded bitrate each CMCD client played (the baseline for variant changes).
    bitrates: dict[str, float] = field(default_factory=dict)
    reports: int = 0

    def add(self, report: PlaybackReport) -> float:
        """Apply a report as Owncast's RegisterPlaybackReport does; the variant changes it adds."""
        client = report.client_id
        self.reports += 1
        for figures, value in ((self.bandwidth, report.bandwidth_kbps), (self.latency, report.latency_seconds),
                               (self.download, report.download_seconds)):
            if value > 0:
                figures[client] = value
        changes = report.variant_changes or 0.0
        if report.bitrate_kbps > 0:
            previous = self.bitrates.get(client)
            if previous is not None and previous != report.bitrate_kbps:
                changes += 1
            self.bitrates[client] = report.bitrate_kbps
        if report.variant_changes is not None or changes:
            self.variant_changes[client] = self.variant_changes.get(client, 0.0) + changes
        if report.errors is not None:
            self.errors[client] = self.errors.get(client, 0.0) + report.errors
        return changes

    @property
    def clients(self) -> set[str]:
        return {*self.bandwidth, *self.latency, *self.download, *self.errors, *self.variant_changes}


def aggregate(window: Window) -> dict[str, Any]:
    """Fold one window into the health overview (bandwidth rounded to whole kbps, as Owncast)."""
    return {
        "clients": len(window.clients),
        "reports": window.reports,
        "errors": sum(window.errors.values()),
        "clientsWithErrors": sum(1 for count in window.errors.values() if count > 0),
        "qualityVariantChanges": sum(window.variant_changes.values()),
        "bandwidthKbps": _spread(list(window.bandwidth.values()), 0),
        "segmentDownloadSeconds": _spread(list(window.download.values())),
        "latencySeconds": _spread(list(window.latency.values())),
        "time": state.rfc3339(),
    }


class PlaybackMetrics:
    """The current window of reports, the raw reports not yet written, and the task for both."""

    def __init__(self, ctx: Context, interval: float = AGGREGATE_SECONDS,
                 raw_flush: float = RAW_FLUSH_SECONDS) -> None:
        self.ctx = ctx
        self.interval = interval
        self.raw_flush = raw_flush
        self.window = Window()
        self.clients = PlaybackClients()
        self.pending: list[tuple[float, str, dict[str, float]]] = []

    def add(self, report: PlaybackReport) -> None:
        changes = self.window.add(report)
        self.clients.record(report, changes)
        raw = {"errors": report.errors or 0.0, "qualityVariantChanges": changes}
        for name, value in (("bandwidth", report.bandwidth_kbps), ("latency", report.latency_seconds),
                            ("downloadDuration", report.download_seconds)):
            if value > 0:
                raw[name] = value
        self.pending.append((time.time(), report.client_id, raw))

    async def write_raw(self) -> int:
        """Write the pending raw reports and drop those past retention; the number written."""
        if not self.pending:
            return 0
        rows, self.pending = self.pending, []
        db = self.ctx.db
        cutoff = time.time() - RAW_RETENTION_SECONDS
        await db.run_write(lambda: metrics.add_playback_reports(db, rows, older_than=cutoff))
        return len(rows)

    async def fold(self) -> dict[str, Any] | None:
        """Aggregate and store the window, then start a new one; None when it was empty."""
        if not self.window.reports:
            return None
        window, self.window = self.window, Window()
        health = aggregate(window)
        db = self.ctx.db
        await self.ctx.bus.publish_many([StreamHealth.from_data(health)],
                                        effect=lambda: state.put(db, HEALTH_KEY, health))
        return health

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        next_fold = trio.current_time() + self.interval
        try:
            while True:
                await trio.sleep(min(self.raw_flush, max(0.0, next_fold - trio.current_time())))
                await self.write_raw()
                if trio.current_time() >= next_fold:
                    next_fold += self.interval
                    await self.fold()
        finally:
            with trio.CancelScope(shield=True):
                await self.write_raw()  # shutting down: what arrived since the last batch
