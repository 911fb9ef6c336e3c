"""End to end with real ffmpeg: `owncast publish-test` -> ingest -> transcode, two variants."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from owncast_cli.media.probe import probe_media
from owncast_cli.protocols.hls import parse_master_playlist, parse_media_playlist
from tests.conftest import OWNCAST, ROOT, RunningServer, owncast, start_run_all

T = TypeVar("T")

VARIANTS = [
    {"videoBitrate": 800, "scaledHeight": 180, "framerate": 30, "cpuUsageLevel": 0},
    {"videoBitrate": 400, "scaledWidth": 256, "framerate": 15, "cpuUsageLevel": 0, "audioBitrate": 64},
]
SIZES = [(320, 180), (256, 144)]


def wait_for(what: str, check: Callable[[], T | None], timeout: float, server: RunningServer | None = None) -> T:
    """Poll ``check`` until it returns something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if server is not None and server.proc.poll() is not None:
            raise AssertionError(f"run-all exited while waiting for {what}:\n{server.log.read_text()}")
        time.sleep(0.1)
    log = server.log.read_text()[-3000:] if server is not None else ""
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log}")


def playlist(datadir: Path, index: int) -> Any:
    try:
        return parse_media_playlist((datadir / "hls" / str(index) / "stream.m3u8").read_text())
    except FileNotFoundError:
        return None


def events(datadir: Path, type_: str) -> list[dict[str, Any]]:
    with sqlite3.connect(datadir / "owncast.db") as db:
        rows = db.execute("SELECT data FROM events WHERE type = ? ORDER BY id", (type_,)).fetchall()
    return [json.loads(row[0]) for row in rows]


def transcoder_ffmpeg(server: RunningServer) -> psutil.Process | None:
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "-var_stream_map" in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    return None


def publish(datadir: Path, seconds: float) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*OWNCAST, "publish-test", "--datadir", str(datadir), "--duration", f"{seconds:g}",
                             "--size", "320x180", "--fps", "30", "--bitrate", "600"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)


@pytest.fixture
def streaming_server(migrated: Path) -> Iterator[RunningServer]:
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(VARIANTS)),
                       ("hls_offline_cleanup_seconds", "6")):
        owncast("config", "set", key, value, datadir=migrated, check=True)
    server = start_run_all(migrated)
    try:
        server.wait_ready()
        wait_for("transcode to be ready", lambda: server.status() and any(
            d["name"] == "transcode" and d["state"] == "running" for d in server.status()["daemons"]), 20, server)
        yield server
    finally:
        if server.proc.poll() is None:
            server.stop(timeout=10)


def test_publish_to_two_variants_restart_offline_and_cleanup(streaming_server: RunningServer,
                                                             ffmpeg_path: str) -> None:
    server, datadir = streaming_server, streaming_server.datadir
    publisher = publish(datadir, 9)
    try:
        # Within a few segment lengths both variants are listed, with 1 s segments (level 0).
        lists = wait_for("two segments in each variant",
                         lambda: all((p := playlist(datadir, i)) and len(p.segments) >= 2 for i in (0, 1)), 15, server)
        assert lists
        master = parse_master_playlist((datadir / "hls" / "stream.m3u8").read_text())
        assert [v.uri for v in master.variants] == ["0/stream.m3u8", "1/stream.m3u8"]
        assert [v.resolution for v in master.variants] == SIZES
        for index, size in enumerate(SIZES):
            media = playlist(datadir, index)
            assert media.target_duration == 1 and media.independent_segments
            assert media.segments[0].program_date_time
            assert media.segments[0].duration == pytest.approx(1.0, abs=0.05)
            info = probe_media(ffmpeg_path, datadir / "hls" / str(index) / media.segments[0].uri, use_ffprobe=False)
            video = next(s for s in info["streams"] if s["type"] == "video")
            assert (video["width"], video["height"]) == size
            assert info["duration"] == pytest.approx(1.0, abs=0.1)

        # ffmpeg killed mid-stream: restarted, and the playlist continues after a discontinuity.
        victim = wait_for("the transcoder's ffmpeg", lambda: transcoder_ffmpeg(server), 5, server)
        victim.kill()
        resumed = wait_for(
            "segments after a discontinuity",
            lambda: (p := playlist(datadir, 0)) and any(s.discontinuity for s in p.segments)
            and not p.segments[-1].discontinuity and p.segments[-1].uri.startswith("stream-") and p, 15, server)
        first_after = next(i for i, s in enumerate(resumed.segments) if s.discontinuity)
        assert first_after >= 2 and "r1-" in resumed.segments[first_after].uri
        assert events(datadir, "transcode.restarted")[0]["restarts"] == 1
        assert publisher.wait(timeout=20) == 0, publisher.stderr.read() if publisher.stderr else ""
    finally:
        if publisher.poll() is None:
            publisher.kill()
            publisher.wait()

    # On stop every playlist ends with the offline clip and #EXT-X-ENDLIST.
    for index in (0, 1):
        closed = wait_for(f"variant {index} to end", lambda: (p := playlist(datadir, index)) and p.endlist and p, 15,
                          server)
        last = closed.segments[-1]
        assert last.discontinuity and last.uri.startswith("offline-")
        assert (datadir / "hls" / str(index) / last.uri).is_file()
        assert last.duration == 1.0 and closed.target_duration == 1
    thumb = probe_media(ffmpeg_path, datadir / "tmp" / "thumbnail.jpg", use_ffprobe=False)
    assert [(s["codec"], s["width"]) for s in thumb["streams"]] == [("mjpeg", 320)]
    gif = probe_media(ffmpeg_path, datadir / "tmp" / "preview.gif", use_ffprobe=False)
    assert [(s["codec"], s["width"]) for s in gif["streams"]] == [("gif", 480)]
    assert not list((datadir / "tmp").glob(".*.tmp"))
    assert "--- exit" in (datadir / "logs" / "transcoder.log").read_text()

    health = events(datadir, "transcode.health")
    assert health and health[-1]["speed"] and health[-1]["fps"] is not None
    with sqlite3.connect(datadir / "owncast.db") as db:
        transcoder = json.loads(db.execute("SELECT value FROM runtime WHERE key = 'transcoder'").fetchone()[0])
    assert "libx264" in transcoder["supportedCodecs"] and transcoder["ffmpegVersion"]
    assert events(datadir, "transcode.stopped")[-1]["restarts"] == 1

    # After hls_offline_cleanup_seconds (6 s here) the HLS directory is emptied.
    wait_for("the HLS files to be cleared", lambda: not any((datadir / "hls").iterdir()), 15, server)
    assert server.stop(timeout=10) == 0
