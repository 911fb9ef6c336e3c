"""run-all as a user runs it: ready fast, answers, stops on SIGTERM, survives a crashing daemon."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx

from tests.conftest import RunningServer, start_run_all
from tests.openapi import assert_valid

CRASHY = '''
import trio
from owncast_cli.daemons.registry import DaemonSpec
from owncast_cli.plugins import hookimpl

async def serve(ctx, *, task_status=trio.TASK_STATUS_IGNORED):
    marker = ctx.settings.datadir / "crashy.count"
    runs = int(marker.read_text()) if marker.exists() else 0
    marker.write_text(str(runs + 1))
    task_status.started()
    if runs == 0:
        await trio.sleep(0.3)
        raise RuntimeError("crashy fails on its first run")
    await ctx.stopping.wait()

@hookimpl
def owncast_daemons():
    return [DaemonSpec("crashy", __name__ + ":serve", "a daemon that crashes once")]
'''


def test_ready_answers_and_stops_on_sigterm(server: RunningServer) -> None:
    status = httpx.get(f"{server.base_url}/api/status", timeout=5)
    assert status.status_code == 200
    assert status.json()["online"] is False
    assert_valid(status.json(), "/api/status")
    config = httpx.get(f"{server.base_url}/api/config", timeout=5)
    assert_valid(config.json(), "/api/config")
    assert config.json()["name"] == "New Owncast Server"
    assert config.json()["extraPageContent"].startswith("<h1>Welcome to Owncast!</h1>")
    assert config.json()["maxSocketPayloadSize"] == 2048
    daemons = {d["name"]: d for d in server.status()["daemons"]}
    assert daemons["serve"]["state"] == "running" and daemons["serve"]["pid"] == server.proc.pid
    began = time.monotonic()
    assert server.stop(timeout=5) == 0
    assert time.monotonic() - began < 5
    assert {d["name"]: d["state"] for d in server.status()["daemons"]}["serve"] == "stopped"


def test_ready_within_seconds(datadir: Path) -> None:
    began = time.monotonic()
    running = start_run_all(datadir)
    try:
        running.wait_ready(timeout=10)
        assert time.monotonic() - began < 10
        assert httpx.get(f"{running.base_url}/api/status", timeout=5).status_code == 200
        # SIGINT (Ctrl-C) is as graceful as SIGTERM.
        running.proc.send_signal(signal.SIGINT)
        assert running.proc.wait(timeout=5) == 0
    finally:
        running.proc.kill()


def test_config_change_is_seen_live(server: RunningServer) -> None:
    from tests.conftest import owncast

    owncast("config", "set", "stream_title", "Live now", datadir=server.datadir, check=True)
    body = httpx.get(f"{server.base_url}/api/status", timeout=5).json()
    assert body["streamTitle"] == "Live now"
    owncast("config", "set", "hide_viewer_count", "true", datadir=server.datadir, check=True)
    assert "viewerCount" not in httpx.get(f"{server.base_url}/api/status", timeout=5).json()


def test_crashed_daemon_is_restarted_and_others_keep_serving(datadir: Path) -> None:
    plugins = datadir / "plugins"
    plugins.mkdir()
    (plugins / "crashy.py").write_text(CRASHY)
    running = start_run_all(datadir, "--plugins-dir", str(plugins))
    try:
        running.wait_ready()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            states = {d["name"]: d for d in running.status()["daemons"]}
            if states.get("crashy", {}).get("restarts") == 1 and states["crashy"]["state"] == "running":
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"crashy not restarted: {running.status()}\n{running.log.read_text()}")
        assert httpx.get(f"{running.base_url}/api/status", timeout=5).status_code == 200
        assert states["serve"]["restarts"] == 0
        assert running.stop() == 0
        log = running.log.read_text()
        assert "crashy crashed" in log and "crashy fails on its first run" in log and "restart 1 in 0.5s" in log
    finally:
        running.proc.kill()


def test_event_log_plugin_records_events(server: RunningServer) -> None:
    from tests.conftest import owncast

    owncast("config", "set", "stream_title", "Plugin test", datadir=server.datadir, check=True)
    path = server.datadir / "logs" / "events.jsonl"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and "Plugin test" in path.read_text():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the event_log plugin did not record the config change")
    import json

    ids = [json.loads(line)["id"] for line in path.read_text().splitlines()]
    assert ids == sorted(set(ids))  # in order, once each
