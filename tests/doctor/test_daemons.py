"""The daemons check on recorded states: running, restarted with the reason from the log, dead, stopped."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from owncast_cli.daemons.records import record
from owncast_cli.db import open_database
from owncast_cli.doctor import context
from owncast_cli.doctor.daemons import check
from owncast_cli.repos import daemons as rows
from owncast_cli.settings import Settings


def test_running_restarted_dead_and_stopped(prepared: Path) -> None:
    settings = Settings(datadir=prepared)
    db = open_database(settings.db_path)
    record(db, "serve", "running", detail="http://127.0.0.1:8080")
    record(db, "ingest", "running", restarts=2, detail="rtmp://0.0.0.0:1935")
    (prepared / "logs").mkdir()
    (prepared / "logs" / "owncast.log").write_text(
        "2026-12-08 01:00:00 ERROR owncast.run: ingest crashed (OSError: [Errno 24] Too many open files); "
        "restart 1 in 0.5s\n"
        "2026-12-08 01:00:09 ERROR owncast.run: ingest crashed (RuntimeError: relay socket vanished); "
        "restart 2 in 1.0s\nTraceback (most recent call last):\n")
    gone = subprocess.Popen(["true"])
    gone.wait()
    rows.record(db, "transcode", pid=gone.pid, state="running", restarts=0, detail="", now=time.time())
    record(db, "chat", "stopped")
    found = {f.check: f for f in check(context.load(settings, db))}

    assert found["daemons.serve"].status == "passed"
    assert found["daemons.serve"].seen.startswith(f"serve running as pid {os.getpid()} since ")
    ingest = found["daemons.ingest"]
    assert ingest.status == "warning"
    assert "restarted 2 time(s)" in ingest.seen and ingest.seen.endswith("last crash: RuntimeError: relay socket vanished")
    transcode = found["daemons.transcode"]
    assert transcode.status == "failed" and f"was running as pid {gone.pid} but that process is gone" in transcode.seen
    chat = found["daemons.chat"]
    assert chat.status == "failed" and chat.fix.startswith("Start it: `owncast run-all`")

    record(db, "chat", "restarting", restarts=1, detail="ValueError: bad frame")
    chat = {f.check: f for f in check(context.load(settings, db))}["daemons.chat"]
    assert chat.status == "warning" and chat.seen.endswith("last crash: ValueError: bad frame")
