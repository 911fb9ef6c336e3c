"""S3 under faults, through a proxy in front of moto's real server: slow uploads, an outage mid-stream."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import trio

from owncast_cli.protocols.hls import MediaPlaylist, Segment, parse_master_playlist, parse_media_playlist
from owncast_cli.transcode.storage.s3 import S3Storage
from tests.conftest import owncast, start_run_all
from tests.transcode.proxy import TcpProxy
from tests.transcode.test_e2e import VARIANTS, events, publish, wait_for
from tests.transcode.test_s3 import bucket, keys, moto_endpoint, s3_config, write_segment

__all__ = ["bucket", "moto_endpoint"]  # fixtures


def proxy_to(endpoint: str, delay: float = 0.0) -> TcpProxy:
    url = urlsplit(endpoint)
    return TcpProxy(url.hostname or "127.0.0.1", int(url.port or 80), response_delay=delay)


async def feed(storage: S3Storage, hls: Path, count: int, start: int = 0) -> None:
    listed: list[Segment] = []
    for n in range(start, start + count):
        write_segment(hls / "0", f"stream-w-{n}.ts")
        listed = [*listed, Segment.new(f"stream-w-{n}.ts", 0.5)][-3:]
        media = MediaPlaylist.new(1, listed, media_sequence=max(0, n - 2))
        await storage.variant_updated(0, hls / "0" / "stream.m3u8", media)


async def test_slow_uploads_warn_once_per_minute(bucket: tuple[Any, str], moto_endpoint: str, tmp_path: Path) -> None:
    _, name = bucket
    hls = tmp_path / "hls"
    (hls / "0").mkdir(parents=True)
    fast_warnings: list[str] = []
    fast = S3Storage(s3_config(moto_endpoint, name), hls, segment_seconds=0.5, segment_count=3,
                     warn=fast_warnings.append)
    slow_warnings: list[str] = []
    # Each response waits 0.25 s: a segment and its playlist take >= 0.5 s, over 90 % of 0.5 s.
    proxy = proxy_to(moto_endpoint, delay=0.25)
    skew = [0.0]  # the storage's clock is real time plus what the test skips ahead
    slow = S3Storage(s3_config(proxy.endpoint, name), hls, segment_seconds=0.5, segment_count=3,
                     warn=slow_warnings.append, clock=lambda: time.monotonic() + skew[0])
    try:
        with trio.fail_after(30):
            await fast.start()
            await feed(fast, hls, 3)
            await slow.start()
            await feed(slow, hls, 2, start=10)
            assert len(slow_warnings) == 1
            assert "more than 90% of the 0.5s segment length" in slow_warnings[0]
            assert min(slow.upload_seconds) >= 0.5
            # Still slow 30 s later: no second warning within the minute...
            skew[0] += 30
            await feed(slow, hls, 1, start=20)
            assert len(slow_warnings) == 1
            # ...and one more once the minute has passed.
            skew[0] += 31
            await feed(slow, hls, 1, start=30)
            assert len(slow_warnings) == 2
    finally:
        proxy.close()
    assert fast_warnings == [] and max(fast.upload_seconds) < 0.45


def test_slow_s3_warns_then_an_outage_mid_stream_falls_back_to_local(moto_endpoint: str, bucket: tuple[Any, str],
                                                  migrated: Path) -> None:
    client, name = bucket
    datadir = migrated
    # Each S3 response waits 0.5 s: a segment and its playlist take >= 1 s, over 90 % of level 0's 1 s.
    proxy = proxy_to(moto_endpoint, delay=0.5)
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(VARIANTS[:1])),
                       ("s3_storage_config", json.dumps(s3_config(proxy.endpoint, name)))):
        owncast("config", "set", key, value, datadir=datadir, check=True)
    server = start_run_all(datadir)
    publisher = None
    try:
        server.wait_ready()
        publisher = publish(datadir, 8)
        wait_for("two segments in the bucket", lambda: len([k for k in keys(client, name)
                                                           if k.startswith("hls/0/stream-")]) >= 2, 20, server)
        master = parse_master_playlist((datadir / "hls" / "stream.m3u8").read_text())
        assert master.variants[0].uri.startswith(proxy.endpoint)
        slow = wait_for("the slow-upload warning", lambda: [w for w in events(datadir, "transcode.warning")
                                                            if "uploads to S3 take" in w["message"]], 10, server)
        assert len(slow) == 1 and "1s segment length" in slow[0]["message"]
        proxy.close()  # the endpoint goes away mid-stream

        errors = wait_for("a storage error", lambda: events(datadir, "transcode.storage_error"), 15, server)
        assert len(errors) == 1 and errors[0]["fallback"] == "local" and errors[0]["storage"] == "s3"
        assert "cannot reach the S3 endpoint" in errors[0]["message"]
        # From now on viewers get the stream from local storage: the master is relative again.
        relative = wait_for("the master to point at local storage", lambda: parse_master_playlist(
            (datadir / "hls" / "stream.m3u8").read_text()).variants[0].uri == "0/stream.m3u8", 10, server)
        assert relative
        assert publisher.wait(timeout=30) == 0
        closed = wait_for("the local playlist to end", lambda: (p := parse_media_playlist(
            (datadir / "hls" / "0" / "stream.m3u8").read_text())).endlist and p, 20, server)
        assert closed.segments[-1].uri.startswith("offline-")
        live = [s for s in closed.segments if s.uri.startswith("stream-")]
        uploaded = set(keys(client, name))
        after = [s for s in live if f"hls/0/{s.uri}" not in uploaded]
        assert len(after) >= 2  # segments made after the outage
        # Every segment the local playlist lists is on disk, those uploaded before the outage
        # too, and the end card: the fallback has no holes.
        for segment in closed.segments:
            assert (datadir / "hls" / "0" / segment.uri).is_file(), segment.uri
        assert "serving HLS from local storage instead" in server.log.read_text()
    finally:
        if publisher is not None and publisher.poll() is None:
            publisher.kill()
            publisher.wait()
        proxy.close()
        server.stop(timeout=10)
