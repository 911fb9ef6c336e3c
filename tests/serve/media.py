"""Test media: real HLS written by the bundled ffmpeg into data/hls, and stream state as ingest sets it."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import imageio_ffmpeg

from owncast_cli import state
from owncast_cli.bus import log
from owncast_cli.bus.catalog import StreamStarted, StreamStopped
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.bus.push import push_sync
from owncast_cli.db import open_database

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def hls_argv(hls_dir: Path, *, seconds: float | None, realtime: bool, list_size: int) -> list[str]:
    """Two variants (320x180 and 160x90) of testsrc + a tone, Owncast's layout: stream.m3u8, <i>/..."""
    duration = ["-t", str(seconds)] if seconds else []
    return [
        FFMPEG, "-hide_banner", "-loglevel", "error", "-nostdin",
        *(["-re"] if realtime else []),
        "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24",
        *(["-re"] if realtime else []),
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
        *duration,
        "-map", "0:v", "-map", "1:a", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-profile:v", "main",
        "-g", "24", "-keyint_min", "24", "-sc_threshold", "0",
        "-b:v:0", "600k", "-s:v:1", "160x90", "-b:v:1", "200k",
        "-c:a", "aac", "-b:a", "64k",
        "-f", "hls", "-hls_time", "1", "-hls_list_size", str(list_size),
        "-hls_flags", "independent_segments+temp_file" + ("+delete_segments" if realtime else ""),
        "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "stream.m3u8",
        "-hls_segment_filename", str(hls_dir / "%v" / "stream-%d.ts"),
        str(hls_dir / "%v" / "stream.m3u8"),
    ]


def write_hls(hls_dir: Path, seconds: float = 4) -> None:
    """A finished (VOD-like) set of playlists and segments, quickly."""
    subprocess.run(hls_argv(hls_dir, seconds=seconds, realtime=False, list_size=0), check=True, timeout=60)


def start_live_hls(hls_dir: Path) -> subprocess.Popen[bytes]:
    """A live HLS writer (real time, sliding window) until terminated."""
    return subprocess.Popen(hls_argv(hls_dir, seconds=None, realtime=True, list_size=6),
                            stdin=subprocess.DEVNULL)


def wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear in {timeout}s")
        time.sleep(0.05)


def set_stream(datadir: Path, online: bool) -> None:
    """Write the stream state and publish stream.started/stopped, as ingest does, from outside."""
    db = open_database(datadir / "owncast.db")
    now = time.time()

    def work() -> list:
        current = state.stream(db)
        if online:
            current.update(online=True, lastConnectTime=state.rfc3339(now))
            item: BusEvent = StreamStarted(f"test-{now}", True, True, "127.0.0.1", state.rfc3339(now),
                                           {"width": 320, "height": 180})
        else:
            current.update(online=False, lastDisconnectTime=state.rfc3339(now))
            item = StreamStopped("test", "test")
        state.put(db, state.STREAM, current)
        return log.append(db, [item], "test")

    try:
        events = db.write(work)
        push_sync(datadir / "run", events)
    finally:
        db.close()
