"""Time series for the admin: viewers, CPU, memory and disk sampled every minute; player health.

One sample of each series is written to ``metric_samples`` at start and then every
:data:`SAMPLE_SECONDS`; samples older than :data:`KEEP_SECONDS` are deleted (viewers: older than
:data:`VIEWERS_KEEP_SECONDS`, for the 7 and 30 day windows of the viewers chart). Players' health
windows (folded every two minutes by :mod:`owncast_cli.serve.metrics` into ``playback_health``)
are copied in as they appear. ``/api/admin/hardwarestats``, ``/viewersOverTime`` and
``/metrics/video`` read them back in Owncast's ``[{time, value}]`` shape.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

import trio
from quart import jsonify, request

from owncast_cli import state
from owncast_cli.media.latency import latency_level
from owncast_cli.repos import metrics
from owncast_cli.serve.admin.common import fail, no_store
from owncast_cli.serve.admin.status import health
from owncast_cli.serve.metrics import HEALTH_KEY as PLAYBACK_HEALTH_KEY

if TYPE_CHECKING:
    from pathlib import Path

    from quart_trio import QuartTrio

    from owncast_cli.daemons.context import Context
    from owncast_cli.db import Database
    from owncast_cli.serve.app import Services

logger = logging.getLogger("owncast.serve.admin")

SAMPLE_SECONDS: Final = 60.0
KEEP_SECONDS: Final = 24 * 3600.0
#: Viewers are kept for the dashboard's longest window (30 days; one row a minute, 43,200 rows).
VIEWERS_KEEP_SECONDS: Final = 30 * 24 * 3600.0
#: metric_samples names of the players' health windows -> the keys of a playback_health report.
PLAYBACK_SERIES: Final = {
    "playback.errors": ("errors", None),
    "playback.qualityVariantChanges": ("qualityVariantChanges", None),
    "playback.latency.max": ("latencySeconds", "max"),
    "playback.latency.median": ("latencySeconds", "median"),
    "playback.latency.min": ("latencySeconds", "min"),
    "playback.download.max": ("segmentDownloadSeconds", "max"),
    "playback.download.median": ("segmentDownloadSeconds", "median"),
    "playback.download.min": ("segmentDownloadSeconds", "min"),
    "playback.bitrate.max": ("bandwidthKbps", "max"),
    "playback.bitrate.median": ("bandwidthKbps", "median"),
    "playback.bitrate.min": ("bandwidthKbps", "min"),
}


def hardware(datadir: Path, cpu_interval: float | None = None) -> dict[str, float]:
    """CPU, memory and disk (of the data directory) use, in percent, as Owncast reports them.

    CPU use is measured since the previous call, or over ``cpu_interval`` seconds when given.
    """
    import psutil

    return {
        "cpu": float(psutil.cpu_percent(interval=cpu_interval)),
        "memory": float(psutil.virtual_memory().percent),
        "disk": float(psutil.disk_usage(str(datadir)).percent),
    }


def _playback_samples(report: dict[str, Any]) -> list[tuple[str, float]]:
    out = []
    for name, (key, part) in PLAYBACK_SERIES.items():
        value = report.get(key)
        if part is not None:
            value = (value or {}).get(part)
        if isinstance(value, (int, float)):
            out.append((name, float(value)))
    return out


def _parse_time(text: str) -> float | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return None


def series(db: Database, name: str, since: float) -> list[dict[str, Any]]:
    return [{"time": state.rfc3339(ts), "value": value} for ts, value in metrics.series(db, name, since)]


class Sampler:
    """Writes one sample of every series per interval until the daemon stops."""

    def __init__(self, ctx: Context, interval: float = SAMPLE_SECONDS) -> None:
        self.ctx, self.interval = ctx, interval
        self._last_playback: str | None = None
        self._primed = False

    async def sample(self) -> None:
        db, now = self.ctx.db, time.time()
        # The first CPU reading has nothing to compare with: measure it over a short interval.
        first = None if self._primed else 0.25
        measured = await trio.to_thread.run_sync(hardware, self.ctx.settings.datadir, first)
        self._primed = True
        viewers, chat, playback = await db.run(
            lambda: (state.viewers(db), state.chat_clients(db), state.get(db, PLAYBACK_HEALTH_KEY)))
        samples = [(name, now, value) for name, value in measured.items()]
        samples.append(("viewers", now, float(viewers["current"])))
        samples.append(("chat_clients", now, float(chat)))
        if playback and playback.get("time") != self._last_playback:
            self._last_playback = playback.get("time")
            at = _parse_time(str(playback.get("time"))) or now
            samples += [(name, at, value) for name, value in _playback_samples(playback)]
        await db.run_write(lambda: metrics.add_samples(
            db, samples, older_than=now - KEEP_SECONDS, kept_longer={"viewers": now - VIEWERS_KEEP_SECONDS}))

    async def run(self) -> None:
        while not self.ctx.stopping.is_set():
            try:
                await self.sample()
            except Exception:
                logger.exception("could not sample the admin metrics")
            with trio.move_on_after(self.interval):
                await self.ctx.stopping.wait()


def _window_start() -> float | str:
    """``?windowStart=`` (unix seconds) or the last day; an error message when it is not a number."""
    raw = request.args.get("windowStart")
    if raw is None or raw == "":
        return time.time() - KEEP_SECONDS
    try:
        return float(raw)
    except ValueError:
        return f"windowStart must be a unix time in seconds (got {raw!r})"


def register(app: QuartTrio, svc: Services) -> None:
    ctx = svc.ctx
    db = ctx.db
    sampler = Sampler(ctx)

    @app.before_serving
    async def start_sampler() -> None:
        app.add_background_task(sampler.run)

    @app.get("/api/admin/hardwarestats")
    async def admin_get_hardware_stats() -> Any:
        since = time.time() - KEEP_SECONDS
        body = await db.run(lambda: {name: series(db, name, since) for name in ("cpu", "memory", "disk")})
        return no_store(jsonify(body))

    @app.get("/api/admin/viewersOverTime")
    async def admin_get_viewers_over_time() -> Any:
        since = _window_start()
        if isinstance(since, str):
            return fail(since)
        return no_store(jsonify(await db.run(lambda: series(db, "viewers", since))))

    @app.get("/api/admin/metrics/video")
    async def admin_get_video_metrics() -> Any:
        since = time.time() - KEEP_SECONDS
        # The response struct's field order (webserver/handlers/admin/video.go).
        names = {
            "errors": "playback.errors", "qualityVariantChanges": "playback.qualityVariantChanges",
            "highestLatency": "playback.latency.max", "medianLatency": "playback.latency.median",
            "lowestLatency": "playback.latency.min",
            "medianSegmentDownloadDuration": "playback.download.median",
            "maximumSegmentDownloadDuration": "playback.download.max",
            "minimumSegmentDownloadDuration": "playback.download.min",
            "minPlayerBitrate": "playback.bitrate.min", "medianPlayerBitrate": "playback.bitrate.median",
            "maxPlayerBitrate": "playback.bitrate.max",
        }

        def read() -> tuple[dict[str, Any], dict[str, Any], dict[str, int], Any]:
            return ({k: series(db, n, since) for k, n in names.items()}, state.stream(db),
                    state.viewers(db), state.get(db, PLAYBACK_HEALTH_KEY))

        body, stream, viewers, playback = await db.run(read)
        config = svc.live.values
        overview = health(bool(stream["online"]), None, playback, viewers["current"])
        body["availableBitrates"] = [int(v.get("videoBitrate", 0)) for v in config.video_stream_output_variants
                                     if not v.get("videoPassthrough")]
        body["segmentLength"] = latency_level(int(config.video_latency_level)).seconds_per_segment
        body["representation"] = overview["representation"] if overview else 0
        return no_store(jsonify(body))
