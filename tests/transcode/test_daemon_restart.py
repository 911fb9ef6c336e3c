"""The transcode daemon crashes under run-all mid-stream: the runner restarts it in-process, it resumes
the live stream into the same playlists, and the old ffmpeg is gone (no orphan racing the new one)."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import pytest

from tests.conftest import owncast, start_run_all
from tests.transcode.test_e2e import playlist, publish, wait_for
from tests.transcode.test_faults import ONE_VARIANT, sequence_numbers

pytestmark = pytest.mark.e2e

# The real transcode daemon, made to crash once after its third segment: the runner's restart is
# what is under test, not the crash.
CRASH_ONCE = '''
import trio
from owncast_cli.daemons.registry import DaemonSpec
from owncast_cli.plugins import hookimpl
from owncast_cli.transcode.daemon import serve as transcode

async def serve(ctx, *, task_status=trio.TASK_STATUS_IGNORED):
    marker = ctx.settings.datadir / "crashed"
    async with trio.open_nursery() as nursery:
        task_status.started(await nursery.start(transcode, ctx))
        if marker.exists():
            return
        playlist = ctx.settings.hls_dir / "0" / "stream.m3u8"
        while not playlist.exists() or playlist.read_text().count(".ts") < 3:
            await trio.sleep(0.1)
        marker.write_text("once")
        raise RuntimeError("transcode fails once mid-stream")

@hookimpl
def owncast_daemons():
    return [DaemonSpec("transcode", __name__ + ":serve", "transcode, crashing once")]
'''


def transcoder_ffmpegs(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "-var_stream_map" in child.cmdline() and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def test_a_crashed_transcode_daemon_resumes_the_stream(migrated: Path) -> None:
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(ONE_VARIANT))):
        owncast("config", "set", key, value, datadir=migrated, check=True)
    plugins = migrated / "plugins"
    plugins.mkdir()
    (plugins / "crash_once.py").write_text(CRASH_ONCE)
    server = start_run_all(migrated, "--without", "transcode", "--plugins-dir", str(plugins))
    publisher = None
    try:
        server.wait_ready()
        publisher = publish(migrated, 20)
        first = wait_for("the first ffmpeg", lambda: transcoder_ffmpegs(server.proc.pid), 20, server)[0]
        wait_for("the crash", lambda: (migrated / "crashed").exists(), 20, server)
        before = playlist(migrated, 0)
        after = wait_for("a segment after the discontinuity",
                         lambda: (p := playlist(migrated, 0)) and any(s.discontinuity for s in p.segments)
                         and not p.segments[-1].discontinuity and p, 20, server)
        assert not first.is_running() or first.status() == psutil.STATUS_ZOMBIE
        assert [p.pid for p in transcoder_ffmpegs(server.proc.pid)] != [first.pid]
        assert len(transcoder_ffmpegs(server.proc.pid)) <= 1
        old, new = sequence_numbers(before), sequence_numbers(after)
        common = set(old) & set(new)
        assert common and all(old[uri] == new[uri] for uri in common)
        daemons = {d["name"]: d for d in server.status()["daemons"]}
        assert daemons["transcode"]["restarts"] == 1 and daemons["transcode"]["state"] == "running"
        assert "transcode fails once mid-stream" in server.log.read_text()
        assert publisher.wait(timeout=30) == 0
        closed = wait_for("the playlist to end", lambda: (p := playlist(migrated, 0)) and p.endlist and p, 20, server)
        assert closed.segments[-1].uri.startswith("offline-")
        assert server.stop(timeout=10) == 0
    finally:
        if publisher is not None and publisher.poll() is None:
            publisher.kill()
            publisher.wait()
        server.stop(timeout=10)
