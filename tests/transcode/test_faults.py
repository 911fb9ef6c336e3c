"""Transcode killed mid-stream, as its own process (one systemd unit each): its ffmpeg dies with it,
and a restart continues the playlists while a Chromium viewer plays on."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import trio

from owncast_cli.protocols.hls import MediaPlaylist
from tests.conftest import OWNCAST, ROOT, owncast
from tests.serve import cdp
from tests.transcode.test_e2e import playlist, publish, wait_for

pytestmark = pytest.mark.e2e
SEGMENT_SECONDS = 1  # latency level 0
ONE_VARIANT = [{"videoBitrate": 600, "scaledHeight": 180, "framerate": 30, "cpuUsageLevel": 0}]


class Daemons:
    """``owncast serve``, ``ingest`` and ``transcode`` as separate processes on one data dir."""

    def __init__(self, datadir: Path) -> None:
        self.datadir = datadir
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, *extra: str) -> subprocess.Popen[bytes]:
        log = (self.datadir / f"{name}.log").open("ab")
        proc = subprocess.Popen([*OWNCAST, name, "--datadir", str(self.datadir), *extra], stdout=log,
                                stderr=subprocess.STDOUT, cwd=ROOT)
        self.procs[name] = proc
        self.detail(name)
        return proc

    def detail(self, name: str) -> str:
        """Wait until this run of ``name`` is recorded running; what it reported when it bound."""
        proc = self.procs[name]

        def running() -> str | None:
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited {proc.returncode}:\n{self.logs()}")
            with sqlite3.connect(self.datadir / "owncast.db") as db:
                row = db.execute("SELECT detail FROM daemons WHERE name = ? AND pid = ? AND state = 'running'",
                                 (name, proc.pid)).fetchone()
            return row[0] if row else None

        return wait_for(f"{name} to be running", running, 20)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in sorted(self.datadir.glob("*.log")))

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def daemons(migrated: Path) -> Iterator[Daemons]:
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(ONE_VARIANT))):
        owncast("config", "set", key, value, datadir=migrated, check=True)
    running = Daemons(migrated)
    try:
        yield running
    finally:
        running.stop_all()


def transcoder_ffmpeg(transcode: subprocess.Popen[bytes]) -> psutil.Process | None:
    for child in psutil.Process(transcode.pid).children():
        try:
            if "-var_stream_map" in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def sequence_numbers(media: MediaPlaylist) -> dict[str, int]:
    """Each listed segment's media sequence number (RFC 8216 6.3.5)."""
    return {s.uri: media.media_sequence + i for i, s in enumerate(media.segments)}


async def test_sigkill_takes_ffmpeg_along_and_a_restart_continues_for_the_viewer(daemons: Daemons) -> None:
    datadir = daemons.datadir
    daemons.start("serve", "--webserverip", "127.0.0.1", "--webserverport", "0")
    base_url = daemons.detail("serve").split(",")[0]
    daemons.start("ingest", "--rtmpport", "0")
    transcode = daemons.start("transcode")
    publisher = publish(datadir, 90)
    try:
        async with cdp.browser() as new_page, new_page() as page:
            await page.goto(base_url + "/")
            await page.wait_for("document.getElementById('video').currentTime > 2", timeout=40)

            # SIGKILL: no chance to clean up, yet its ffmpeg dies with it (PR_SET_PDEATHSIG).
            ffmpeg = wait_for("the transcoder's ffmpeg", lambda: transcoder_ffmpeg(transcode), 10)
            before = playlist(datadir, 0)
            transcode.send_signal(signal.SIGKILL)
            killed = time.monotonic()
            await trio.to_thread.run_sync(lambda: wait_for("ffmpeg to die with transcode", lambda: gone(ffmpeg), 1))
            assert time.monotonic() - killed < 1.0
            transcode.wait(5)
            at_kill = await page.evaluate("document.getElementById('video').currentTime")

            # Restarted (systemd's Restart=): it resumes the live stream into the same playlists.
            restarted = time.monotonic()
            await trio.to_thread.run_sync(daemons.start, "transcode")
            after = await trio.to_thread.run_sync(lambda: wait_for(
                "a segment after the discontinuity",
                lambda: (p := playlist(datadir, 0)) and any(s.discontinuity for s in p.segments)
                and not p.segments[-1].discontinuity and p, 20))
            first_new = time.monotonic()
            joined = next(i for i, s in enumerate(after.segments) if s.discontinuity)
            old, new = sequence_numbers(before), sequence_numbers(after)
            common = set(old) & set(new)
            assert common and all(old[uri] == new[uri] for uri in common)  # the sequence goes on, not reset
            assert after.media_sequence >= before.media_sequence and joined >= 1
            assert not after.endlist

            # The viewer plays on, or resumes by itself, within one segment length plus 5 s.
            now = await page.evaluate("document.getElementById('video').currentTime")
            await page.wait_for(f"(() => {{ const v = document.getElementById('video');"
                                f" return v.currentTime > {now} + 1 && !v.paused; }})()",
                                timeout=SEGMENT_SECONDS + 5)
            # And it reaches media the old ffmpeg never made (at most ~4 s were ahead of it).
            await page.wait_for(f"document.getElementById('video').currentTime > {at_kill} + 8", timeout=30)
            assert await page.evaluate("document.getElementById('offline').hidden")
            print(f"restart to first new segment {first_new - restarted:.1f} s")
    finally:
        if publisher.poll() is None:
            publisher.kill()
            publisher.wait()
