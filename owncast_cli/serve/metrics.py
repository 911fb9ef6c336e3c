"""Player health reports (``POST /api/metrics/playback``), aggregated every 2 minutes.

Owncast's ``metrics/playback.go``: each report is keyed by the client id; every two minutes the
window is folded into a stream-health overview (errors, bitrate, segment download time, latency,
variant changes: lowest, median, highest), which is kept in the ``runtime`` table as
``playback_health`` for the admin status, and published as ``stream.health``. Unlike Owncast,
the raw reports are kept too (table ``playback_reports``, a week), written in batches every few
seconds and on shutdown.
"""

from __future__ import annotations

import statistics
import time
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import StreamHealth
from owncast_cli.repos import metrics

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

AGGREGATE_SECONDS: Final = 120.0
#: Raw reports are written at most this often (one transaction for all that arrived meanwhile).
RAW_FLUSH_SECONDS: Final = 5.0
RAW_RETENTION_SECONDS: Final = 7 * 24 * 3600.0
HEALTH_KEY: Final = "playback_health"
_NUMBERS: Final = ("bandwidth", "latency", "errors", "downloadDuration", "qualityVariantChanges")
_REQUIRED: Final = ("errors", "qualityVariantChanges")


class MetricsError(ValueError):
    """A report that does not match Owncast's PlaybackMetrics shape."""


def parse_report(body: Any) -> dict[str, float]:
    """Validate a report: an object with numeric fields, ``errors`` and ``qualityVariantChanges``."""
    if not isinstance(body, dict):
        raise MetricsError("expected a JSON object with errors and qualityVariantChanges")
    out: dict[str, float] = {}
    for name in _NUMBERS:
        if name not in body or body[name] is None:
            if name in _REQUIRED:
                raise MetricsError(f"{name} is required")
            continue
        value = body[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
            raise MetricsError(f"{name} must be a non-negative number (got {value!r})")
        out[name] = float(value)
    return out


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def aggregate(reports: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    """Fold one window of reports (client id -> reports) into the health overview."""
    flat = [r for rs in reports.values() for r in rs]
    pick = lambda name: [r[name] for r in flat if name in r]  # noqa: E731
    return {
        "clients": len(reports),
        "reports": len(flat),
        "errors": sum(pick("errors")),
        "qualityVariantChanges": sum(pick("qualityVariantChanges")),
        "bandwidthKbps": _spread(pick("bandwidth")),
        "segmentDownloadSeconds": _spread(pick("downloadDuration")),
        "latencySeconds": _spread(pick("latency")),
        "time": state.rfc3339(),
    }


class PlaybackMetrics:
    """The current window of reports, the raw reports not yet written, and the task for both."""

    def __init__(self, ctx: Context, interval: float = AGGREGATE_SECONDS,
                 raw_flush: float = RAW_FLUSH_SECONDS) -> None:
        self.ctx = ctx
        self.interval = interval
        self.raw_flush = raw_flush
        self.window: dict[str, list[dict[str, float]]] = {}
        self.pending: list[tuple[float, str, dict[str, float]]] = []

    def add(self, client: str, report: dict[str, float]) -> None:
        self.window.setdefault(client, []).append(report)
        self.pending.append((time.time(), client, report))

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
        if not self.window:
            return None
        window, self.window = self.window, {}
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
