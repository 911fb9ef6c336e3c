"""``/api/admin/prometheus``: Prometheus text exposition with Owncast's metric names, plus ours.

Owncast's gauges (metrics/prometheus.go) keep their names and meaning so existing dashboards work:
``owncast_instance_active_viewer_count``, ``owncast_instance_total_chat_users``,
``owncast_instance_current_chat_message_count``, ``owncast_instance_playback_error_count`` and
``owncast_instance_cpu_usage``. Ours add the peaks, stream state, memory and disk use, the
transcoder's speed and restarts, and the event bus's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import trio
from quart import Response

from owncast_cli import __version__, state
from owncast_cli.bus import log
from owncast_cli.repos import chat_messages, users
from owncast_cli.serve.admin.metrics import hardware
from owncast_cli.serve.admin.status import TRANSCODE_HEALTH_KEY
from owncast_cli.serve.metrics import HEALTH_KEY as PLAYBACK_HEALTH_KEY

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.db import Database
    from owncast_cli.serve.app import Services

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Gauge:
    name: str
    help: str
    value: float


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if value != value:
        return "NaN"
    return repr(float(value)) if not float(value).is_integer() else str(int(value))


def exposition(gauges: list[Gauge], labels: dict[str, str]) -> str:
    """The text format (version 0.0.4): HELP, TYPE and one sample line per gauge."""
    rendered = ",".join(f'{k}="{_escape_label(v)}"' for k, v in sorted(labels.items()))
    suffix = "{" + rendered + "}" if rendered else ""
    lines = []
    for gauge in gauges:
        lines.append(f"# HELP {gauge.name} {gauge.help}")
        lines.append(f"# TYPE {gauge.name} gauge")
        lines.append(f"{gauge.name}{suffix} {_number(gauge.value)}")
    return "\n".join(lines) + "\n"


def _read(db: Database) -> dict[str, Any]:
    return {
        "viewers": state.viewers(db),
        "chat_clients": state.chat_clients(db),
        "stream": state.stream(db),
        "playback": state.get(db, PLAYBACK_HEALTH_KEY) or {},
        "transcode": state.get(db, TRANSCODE_HEALTH_KEY) or {},
        "users": users.count_chat_users(db),
        "messages": chat_messages.count(db),
        "events": log.last_id(db),
    }


def gauges(now: dict[str, Any], machine: dict[str, float]) -> list[Gauge]:
    viewers, playback, transcode = now["viewers"], now["playback"], now["transcode"]
    return [
        Gauge("owncast_instance_active_viewer_count", "The number of viewers.", viewers["current"]),
        Gauge("owncast_instance_active_chat_client_count", "The number of connected chat clients.",
              now["chat_clients"]),
        Gauge("owncast_instance_total_chat_users", "The total number of chat users on this Owncast instance.",
              now["users"]),
        Gauge("owncast_instance_current_chat_message_count",
              "The number of chat messages currently saved before cleanup.", now["messages"]),
        Gauge("owncast_instance_playback_error_count", "Errors collected from players within this window",
              float(playback.get("errors") or 0)),
        Gauge("owncast_instance_cpu_usage", "CPU usage as seen internally to Owncast.", machine["cpu"]),
        Gauge("owncast_instance_memory_usage", "Memory in use on this machine, in percent.", machine["memory"]),
        Gauge("owncast_instance_disk_usage", "Disk in use where the data directory lives, in percent.",
              machine["disk"]),
        Gauge("owncast_instance_session_peak_viewer_count", "Most viewers at once during this stream.",
              viewers["sessionPeak"]),
        Gauge("owncast_instance_overall_peak_viewer_count", "Most viewers at once ever.", viewers["overallPeak"]),
        Gauge("owncast_stream_online", "1 while a broadcaster is streaming.", 1 if now["stream"]["online"] else 0),
        Gauge("owncast_transcoder_speed", "The transcoder's speed relative to real time (0 when not running).",
              float(transcode.get("speed") or 0) if now["stream"]["online"] else 0),
        Gauge("owncast_transcoder_restarts", "Times ffmpeg was restarted during this stream.",
              float(transcode.get("restarts") or 0) if now["stream"]["online"] else 0),
        Gauge("owncast_bus_events", "Events appended to the event bus so far.", now["events"]),
    ]


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    @app.route("/api/admin/prometheus", methods=["GET", "POST", "PUT", "DELETE"])
    async def admin_get_prometheus() -> Any:
        now = await db.run(lambda: _read(db))
        machine = await trio.to_thread.run_sync(hardware, svc.ctx.settings.datadir)
        labels = {"version": __version__, "host": str(svc.live.values.server_url or "")}
        response = Response(exposition(gauges(now, machine), labels), content_type=CONTENT_TYPE)
        response.headers["Cache-Control"] = "no-store"
        return response
