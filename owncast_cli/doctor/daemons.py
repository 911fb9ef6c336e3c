"""Daemons: which run, which are dead, which restarted recently and why (from the record and the log)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Final

from owncast_cli.daemons.records import DaemonRecord
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, failed, passed, warning
from owncast_cli.state import rfc3339

#: A restart within this long of the run counts as recent.
RECENT_SECONDS: Final = 24 * 3600.0
#: How much of the end of the log is searched for the reason of the last crash.
LOG_TAIL_BYTES: Final = 1 << 20


def last_crash(log_file: Path, name: str) -> str:
    """The reason of ``name``'s last crash as the runner logged it ("crashed (Error: ...); restart n")."""
    try:
        with log_file.open("rb") as f:
            f.seek(max(0, f.seek(0, 2) - LOG_TAIL_BYTES))
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    found = re.findall(rf"\b{re.escape(name)} crashed \((.*?)\); restart \d+", text)
    return found[-1] if found else ""


def _one(record: DaemonRecord | None, name: str, log_file: Path, now: float) -> Finding:
    check = f"daemons.{name}"
    if record is None or record.state == "stopped":
        return failed(check, f"{name} is not running",
                      f"Start it: `owncast run-all` (all daemons) or `owncast {name}` / its systemd unit.")
    if record.shown_state == "dead":
        return failed(check, f"{name} was running as pid {record.pid} but that process is gone (killed or crashed "
                             "without a word)",
                      f"Look at the end of {log_file} and the journal, then start it again.")
    since = rfc3339(record.started_at)
    if record.restarts and now - record.updated_at < RECENT_SECONDS or record.state == "restarting":
        why = record.detail if record.state == "restarting" else last_crash(log_file, name)
        return warning(check, f"{name} ({record.state}, pid {record.pid}) restarted {record.restarts} time(s), "
                              f"running since {since}; last crash: {why or 'not in the log'}",
                       f"Read the traceback in {log_file} around the crash; the reason above is its last line.")
    return passed(check, f"{name} running as pid {record.pid} since {since}"
                         + (f", {record.restarts} restart(s) long ago" if record.restarts else ""))


def check(probe: Probe) -> list[Finding]:
    """Blocking: may read the end of the log."""
    log_file = probe.settings.log_dir / "owncast.log"
    now = time.time()
    return [_one(probe.record(name), name, log_file, now) for name in DAEMONS]


async def run(probe: Probe) -> list[Finding]:
    import trio

    return await trio.to_thread.run_sync(check, probe)
