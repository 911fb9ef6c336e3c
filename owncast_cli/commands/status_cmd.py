"""``owncast status``: each daemon, the stream, and the viewers."""

from __future__ import annotations

import json
import time
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import data_options, json_option
from owncast_cli.settings import Settings


def collect(db: Any) -> dict[str, Any]:
    from owncast_cli import state
    from owncast_cli.config import ConfigStore
    from owncast_cli.daemons.records import all_records

    store = ConfigStore(db)
    warnings = []
    if store.check_admin_password("abc123"):
        warnings.append("the admin password is the default 'abc123'")
    if [k["key"] for k in store.get("stream_keys")] == ["abc123"]:
        warnings.append("the only stream key is the default 'abc123'")
    return {
        "daemons": [
            {"name": r.name, "state": r.shown_state, "pid": r.pid, "since": state.rfc3339(r.started_at),
             "restarts": r.restarts, "detail": r.detail}
            for r in all_records(db)
        ],
        "stream": state.stream(db),
        "viewers": state.viewers(db),
        "ffmpeg": _ffmpeg(state.get(db, "transcoder"), str(store.get("ffmpeg_path") or "")),
        "warnings": warnings,
    }


def _ffmpeg(recorded: dict[str, Any] | None, configured: str) -> dict[str, Any]:
    """The ffmpeg transcode runs (recorded when it started), else the one it would pick."""
    from owncast_cli.media.ffmpeg import FFmpegError, FFmpegSource, find_ffmpeg

    if recorded and recorded.get("ffmpegPath"):
        recorded_source = str(recorded.get("source"))
        source = FFmpegSource(recorded_source if recorded_source in set(FFmpegSource) else "config")
        return {"path": recorded["ffmpegPath"], "version": recorded.get("ffmpegVersion") or "",
                "source": source.value, "from": source.described, "checked": True}
    try:
        path, source = find_ffmpeg(configured or None)
    except FFmpegError as exc:
        return {"path": None, "version": "", "source": None, "from": None, "checked": False, "error": str(exc)}
    return {"path": path, "version": "", "source": source.value, "from": source.described, "checked": False}


@click.command("status")
@data_options
@json_option
def status_command(settings: Settings, as_json: bool) -> None:
    """Show each daemon (running, pid, since, restarts), stream state and viewer count."""
    report = collect(open_db(settings))
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table("daemon", "state", "pid", "since", "restarts", "detail")
    for d in report["daemons"]:
        colour = {"running": "green", "dead": "red", "restarting": "yellow"}.get(d["state"], "dim")
        table.add_row(d["name"], f"[{colour}]{d['state']}[/]", str(d["pid"]), d["since"],
                      str(d["restarts"]), d["detail"])
    console.print(table)
    stream, viewers = report["stream"], report["viewers"]
    console.print(f"stream: {'[green]online[/]' if stream['online'] else 'offline'}"
                  f"  viewers: {viewers['current']} (session peak {viewers['sessionPeak']},"
                  f" overall peak {viewers['overallPeak']})  at {time.strftime('%H:%M:%S')}")
    ffmpeg = report["ffmpeg"]
    if ffmpeg["path"] is None:
        console.print(f"ffmpeg: [red]none[/] ({ffmpeg['error']})")
    elif ffmpeg["checked"]:
        console.print(f"ffmpeg: {ffmpeg['version']} at {ffmpeg['path']} (from {ffmpeg['from']})")
    else:
        console.print(f"ffmpeg: {ffmpeg['path']} (from {ffmpeg['from']}; transcode has not started yet)")
    for warning in report["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
