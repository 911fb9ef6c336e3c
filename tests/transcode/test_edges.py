"""The transcoder's edges end to end: video-only and audio-only streams, the bounded segment window,
a custom offline clip longer than a segment, an unusable ffmpeg at start."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.probe import probe_media
from owncast_cli.protocols.hls import parse_master_playlist
from owncast_cli.transcode.playlists import LOCAL_MARGIN
from tests.conftest import RunningServer, owncast, start_run_all
from tests.media.media_files import make_slate
from tests.transcode.test_e2e import events, playlist, wait_for

SMALL = [{"videoBitrate": 400, "framerate": 30, "cpuUsageLevel": 0, "audioBitrate": 64}]


def rtmp_url(server: RunningServer) -> str:
    return f"rtmp://127.0.0.1:{server.rtmp_port}/live/abc123"


def publish_ffmpeg(ffmpeg_path: str, url: str, seconds: float, *, video: bool = True, audio: bool = True,
                   rate: float = 1.0) -> subprocess.Popen[bytes]:
    """ffmpeg publishing a 160x90 test pattern and/or a tone, ``rate`` times faster than real time."""
    argv = [ffmpeg_path, "-hide_banner", "-loglevel", "error", "-readrate", f"{rate:g}"]
    if video:
        argv += ["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30"]
    if audio:
        argv += ["-readrate", f"{rate:g}", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    argv += ["-t", f"{seconds:g}"]
    if video:
        argv += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30", "-sc_threshold", "0"]
    if audio:
        argv += ["-c:a", "aac", "-b:a", "64k"]
    argv += ["-f", "flv", url]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(publisher: subprocess.Popen[bytes], timeout: float = 30) -> None:
    try:
        code = publisher.wait(timeout=timeout)
    finally:
        if publisher.poll() is None:
            publisher.kill()
            publisher.wait()
    assert code == 0, publisher.stderr.read().decode() if publisher.stderr else code


@pytest.fixture
def level0(migrated: Path) -> Path:
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(SMALL))):
        owncast("config", "set", key, value, datadir=migrated, check=True)
    return migrated


def test_video_only_and_audio_only_streams_give_hls_ffmpeg_reads_back(level0: Path, ffmpeg_path: str) -> None:
    # Owncast maps "v:0,a:0" whatever the input has, and fails without audio (its issue #400).
    server = start_run_all(level0)
    try:
        server.wait_ready()
        for number, (video, audio, kind) in enumerate(((True, False, "video"), (False, True, "audio")), start=1):
            finish(publish_ffmpeg(ffmpeg_path, rtmp_url(server), 4, video=video, audio=audio, rate=2))
            stopped = wait_for(f"the {kind}-only stream to end",
                               lambda n=number: len(events(level0, "transcode.stopped")) >= n, 20, server)
            assert stopped
            started = events(level0, "stream.started")[-1]
            assert (started["hasVideo"], started["hasAudio"]) == (video, audio)
            closed = playlist(level0, 0)
            assert closed.endlist and closed.segments[-1].uri.startswith("offline-")
            live = [s for s in closed.segments if s.uri.startswith("stream-")]
            assert len(live) >= 3 and not any(s.discontinuity for s in live)
            assert sum(s.duration for s in live) == pytest.approx(4, abs=0.6)
            for segment in live[:-1]:
                info = probe_media(ffmpeg_path, level0 / "hls" / "0" / segment.uri, use_ffprobe=False)
                assert [s["type"] for s in info["streams"]] == [kind], info
            master = parse_master_playlist((level0 / "hls" / "stream.m3u8").read_text())
            assert [v.uri for v in master.variants] == ["0/stream.m3u8"]
            # A player's view: ffmpeg reads the whole variant through the master, end card included.
            done = subprocess.run([ffmpeg_path, "-hide_banner", "-loglevel", "error", "-i",
                                   str(level0 / "hls" / "stream.m3u8"), "-map", "0", "-f", "null", "-"],
                                  capture_output=True, timeout=30)
            assert done.returncode == 0, done.stderr.decode()[-2000:]
        assert events(level0, "transcode.restarted") == []
        assert server.stop(timeout=10) == 0
    finally:
        server.stop(timeout=10)


def test_window_is_bounded_and_a_long_custom_clip_is_cut(level0: Path, default_ffmpeg: FFmpegInfo) -> None:
    # A 3 s custom clip at level 0 (1 s segments): a playlist's target duration may not change.
    ffmpeg_path = default_ffmpeg.path
    clip = make_slate(default_ffmpeg, level0 / "my-offline.ts", 3.0, 320, 180)
    owncast("config", "set", "offline_clip_path", str(clip), datadir=level0, check=True)
    server = start_run_all(level0)
    keep = 25 + LOCAL_MARGIN  # level 0 lists 25 segments; Owncast keeps 10 more on disk
    try:
        server.wait_ready()
        # 60 s of media, 8x real time: far more segments than the window, in under 10 s.
        publisher = publish_ffmpeg(ffmpeg_path, rtmp_url(server), 60, rate=8)
        segments = level0 / "hls" / "0"
        most = 0
        while publisher.poll() is None:
            most = max(most, len(list(segments.glob("stream-*.ts"))) if segments.is_dir() else 0)
            try:
                publisher.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass
        finish(publisher)
        closed = wait_for("the playlist to end", lambda: (p := playlist(level0, 0)) and p.endlist and p, 20, server)
        live = [s for s in closed.segments if s.uri.startswith("stream-")]
        assert len(live) == 25 and closed.target_duration == 1
        names = sorted(segments.glob("stream-*.ts"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        numbers = [int(p.stem.rsplit("-", 1)[1]) for p in names]
        # Only the newest segments stay: the playlist's 25 and 10 more, the oldest deleted.
        assert numbers[-1] >= 55 and numbers == list(range(numbers[-1] - keep + 1, numbers[-1] + 1))
        assert most <= keep + 4, f"{most} segments on disk at once"
        # The custom clip was cut to one segment, and the admin is told so.
        end = closed.segments[-1]
        assert end.uri.startswith("offline-") and end.discontinuity and end.duration <= 1.49
        cut = probe_media(ffmpeg_path, segments / end.uri, use_ffprobe=False)
        assert 0.9 <= cut["duration"] < 1.5 and end.duration == pytest.approx(cut["duration"], abs=0.01)
        assert {s["width"] for s in cut["streams"] if s["type"] == "video"} == {320}
        warnings = [w["message"] for w in events(level0, "transcode.warning")]
        assert any(" s, longer than the 1 s segments of this latency level: only its first 1 s is shown" in w
                   for w in warnings), warnings
    finally:
        server.stop(timeout=10)


@pytest.mark.parametrize("kind", ["not executable", "not ffmpeg"])
def test_an_unusable_ffmpeg_stops_the_daemon_at_start_with_the_fix(migrated: Path, kind: str) -> None:
    fake = migrated / "fake-ffmpeg"
    fake.write_text("#!/bin/sh\necho 'usage: fake [options]' >&2\nexit 1\n")
    fake.chmod(0o755)
    owncast("config", "set", "ffmpeg_path", str(fake), datadir=migrated, check=True)
    if kind == "not executable":
        fake.chmod(0o644)  # it was, when it was set
    alone = owncast("transcode", "--plugins-dir", str(migrated), datadir=migrated, timeout=30)
    assert alone.returncode == 1
    assert str(fake) in alone.stderr and "owncast config set ffmpeg_path /path/to/ffmpeg" in alone.stderr
    assert ("(not an executable file); allowed:" if kind == "not executable" else "-version failed (exit 1)") \
        in alone.stderr
    # run-all says the same and exits, rather than running without a transcoder.
    server = start_run_all(migrated)
    try:
        assert server.proc.wait(timeout=30) == 1
    finally:
        server.stop()
    log = server.log.read_text()
    assert "TranscodeError" in log and "owncast config set ffmpeg_path" in log
