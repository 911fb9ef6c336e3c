"""`owncast probe URL`: real HLS from ffmpeg, served over real HTTP, checked as a player would."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from owncast_cli.media.variants import StreamOutputVariant as V
from owncast_cli.transcode.argv import build_ffmpeg_argv
from tests.conftest import owncast
from tests.media.media_files import run_ffmpeg


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hls_site(ffmpeg_path: str, sample_flv: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    variants = [V(video_bitrate=800, scaled_height=180, framerate=30, cpu_usage_level=0),
                V(video_bitrate=500, scaled_width=256, framerate=15, cpu_usage_level=0)]
    run_ffmpeg(build_ffmpeg_argv(ffmpeg_path=ffmpeg_path, input_url=str(sample_flv), input_format="flv",
                                 variants=variants, latency_level=0, output_dir=tmp_path, segment_prefix="p"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/stream.m3u8", tmp_path
    finally:
        httpd.shutdown()
        thread.join(5)


def test_probe_reports_a_healthy_stream(hls_site: tuple[str, Path]) -> None:
    url, _ = hls_site
    done = owncast("probe", url, "--json", "--segments", "2")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] and report["warnings"] == []
    rows = report["variants"]
    assert [(r["uri"], r["resolution"], r["target_duration"]) for r in rows] == [
        ("0/stream.m3u8", [320, 180], 1), ("1/stream.m3u8", [256, 144], 1)]
    assert [(r["measured_segments"], r["keyframe_starts"]) for r in rows] == [(2, 2), (2, 2)]
    table = owncast("probe", url, "--segments", "0")
    assert table.returncode == 0 and "320x180" in table.stdout and "nothing a player would stumble on" in table.stdout


def test_probe_flags_a_segment_longer_than_the_target(hls_site: tuple[str, Path]) -> None:
    url, root = hls_site
    playlist = root / "1" / "stream.m3u8"
    playlist.write_text(playlist.read_text().replace("#EXTINF:1.000000,", "#EXTINF:2.500000,", 1))
    done = owncast("probe", url, "--json", "--segments", "0")
    assert done.returncode == 1
    warnings = json.loads(done.stdout)["warnings"]
    assert [(w["variant_uri"], "exceeds the target duration" in w["message"]) for w in warnings] == [
        ("1/stream.m3u8", True)]


def test_probe_of_something_that_is_not_a_playlist(hls_site: tuple[str, Path]) -> None:
    url, root = hls_site
    (root / "x.txt").write_text("hello\n")
    done = owncast("probe", url.replace("stream.m3u8", "x.txt"))
    assert done.returncode == 1 and "is not an HLS playlist" in done.stderr
    missing = owncast("probe", url.replace("stream.m3u8", "nope.m3u8"))
    assert missing.returncode == 1 and "cannot fetch" in missing.stderr
