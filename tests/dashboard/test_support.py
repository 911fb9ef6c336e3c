"""The dashboard's helper routes' logic without a server: daemon states."""

from __future__ import annotations

import os
import subprocess
import sys

from owncast_cli.daemons.records import DaemonRecord
from owncast_cli.serve.admin.dashboard_support import daemon_states


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def test_daemon_states() -> None:
    alive = DaemonRecord("chat", os.getpid(), "running", 100.0, 2, 101.0, "http://unix:/run/chat.sock")
    crashed = DaemonRecord("federate", dead_pid(), "running", 50.0, 0, 51.0, "http://unix:/run/federate.sock")
    stopped = DaemonRecord("ingest", os.getpid(), "stopped", 10.0, 0, 11.0, "")
    states = daemon_states([alive, crashed, stopped], ["serve", "ingest", "chat"])
    assert states == [
        {"name": "serve", "running": False, "state": "never started", "restarts": 0, "startedAt": None, "detail": ""},
        {"name": "ingest", "running": False, "state": "stopped", "restarts": 0, "startedAt": None, "detail": ""},
        {"name": "chat", "running": True, "state": "running", "restarts": 2, "startedAt": 100.0,
         "detail": "http://unix:/run/chat.sock"},
        {"name": "federate", "running": False, "state": "dead", "restarts": 0, "startedAt": None, "detail": ""},
    ]
