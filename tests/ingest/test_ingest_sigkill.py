"""SIGKILL of ingest run apart (its own process, as the systemd units do) mid-publish, then restart."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import imageio_ffmpeg
import trio

from tests.conftest import OWNCAST, ROOT, RunningServer, start_run_all
from tests.ingest.live import next_event, watch

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def start_ingest(datadir: Path, port: int) -> tuple[subprocess.Popen[bytes], int]:
    """``owncast ingest`` on its own; returns it and its RTMP port once it is bound."""
    log = (datadir / "ingest.log").open("ab")
    proc = subprocess.Popen([*OWNCAST, "ingest", "--datadir", str(datadir), "--rtmpport", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert proc.poll() is None, (datadir / "ingest.log").read_text()
        conn = sqlite3.connect(datadir / "owncast.db")
        rows = conn.execute("SELECT detail FROM daemons WHERE name = 'ingest' AND state = 'running' "
                            "AND pid = ?", (proc.pid,)).fetchall()
        conn.close()
        if rows:
            return proc, int(rows[0][0].split(",")[0].rsplit(":", 1)[1])
        time.sleep(0.05)
    raise AssertionError("ingest not ready:\n" + (datadir / "ingest.log").read_text())


async def encoder(url: str) -> None:
    """Publish until cancelled, starting again whenever the connection ends (as OBS reconnects)."""
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
            "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine", "-c:v", "libx264",
            "-preset", "ultrafast", "-g", "25", "-c:a", "aac", "-f", "flv", url]
    while True:
        await trio.run_process(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        await trio.sleep(0.5)


async def online(server: RunningServer) -> tuple[bool, bool]:
    """What `owncast status` and `/api/status` say."""
    cli = await trio.to_thread.run_sync(server.status)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=5) as http:
        api = (await http.get("/api/status")).json()
    return cli["stream"]["online"], api["online"]


async def wait_for(sub: Any, kind: str, **fields: object) -> Any:
    while True:
        event = await next_event(sub, timeout=30)
        if event.type == kind and all(event.data.get(k) == v for k, v in fields.items()):
            return event


async def test_sigkilled_ingest_restarts_and_the_encoder_resumes(migrated: Path) -> None:
    server = start_run_all(migrated, "--without", "ingest")  # serve, chat, transcode
    ingest: subprocess.Popen[bytes] | None = None
    try:
        server.wait_ready()
        ingest, port = start_ingest(migrated, 0)
        types = ("stream.started", "stream.stopped", "transcode.segment")
        with trio.fail_after(120):
            async with watch(migrated, *types) as events, trio.open_nursery() as nursery:
                nursery.start_soon(encoder, f"rtmp://127.0.0.1:{port}/live/abc123")
                first = (await wait_for(events, "stream.started")).data["streamId"]
                await wait_for(events, "transcode.segment", streamId=first)
                assert await online(server) == (True, True)

                ingest.send_signal(signal.SIGKILL)
                await trio.to_thread.run_sync(ingest.wait)
                # Nothing could say the stream stopped; status notices the dead ingest at once.
                assert await online(server) == (False, False)
                assert {d["name"]: d["state"] for d in server.status()["daemons"]}["ingest"] == "dead"

                ingest, _ = start_ingest(migrated, port)  # the URL the encoder retries
                stopped = await wait_for(events, "stream.stopped", streamId=first)
                assert stopped.data["reason"] == "ingest restarted"
                second = (await wait_for(events, "stream.started")).data["streamId"]
                assert second != first
                await wait_for(events, "transcode.segment", streamId=second)  # the stream resumes
                assert await online(server) == (True, True)
                nursery.cancel_scope.cancel()
        log = (migrated / "ingest.log").read_text()
        assert f"stream {first} was still marked live by an ingest that is gone" in log
    finally:
        if ingest is not None and ingest.poll() is None:
            ingest.send_signal(signal.SIGTERM)
            ingest.wait(10)
        server.stop(10)
