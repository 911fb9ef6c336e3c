"""S3 storage against moto's real S3 server: order, headers, windows, fallback."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trio
from moto.server import ThreadedMotoServer

from owncast_cli.protocols.hls import MediaPlaylist, Segment, parse_master_playlist, parse_media_playlist
from owncast_cli.transcode.offline import OfflineClip
from owncast_cli.transcode.storage import StorageError
from owncast_cli.media.latency import latency_level
from owncast_cli.transcode.storage.s3 import S3Storage, make_client
from tests.conftest import owncast, start_run_all
from tests.transcode.test_e2e import VARIANTS, events, publish, wait_for

BUCKET = "owncast"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def s3_config(endpoint: str, bucket: str, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "endpoint": endpoint, "accessKey": "test", "secret": "test", "bucket": bucket,
            "region": "us-east-1", "forcePathStyle": True, **extra}


@pytest.fixture
def bucket(moto_endpoint: str, request: pytest.FixtureRequest) -> tuple[Any, str]:
    name = f"b-{abs(hash(request.node.name)) % 10**8}"
    client = make_client(s3_config(moto_endpoint, name))
    client.create_bucket(Bucket=name)
    return client, name


def keys(client: Any, bucket: str) -> list[str]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_segment(directory: Path, name: str) -> None:
    (directory / name).write_bytes(b"\x47" + name.encode() * 20)


async def test_segments_before_playlists_headers_and_windows(bucket: tuple[Any, str], moto_endpoint: str,
                                                             tmp_path: Path) -> None:
    client, name = bucket
    hls = tmp_path / "hls"
    (hls / "0").mkdir(parents=True)
    storage = S3Storage(s3_config(moto_endpoint, name, pathPrefix="/live/"), hls, segment_seconds=1,
                        segment_count=3, video_serving_endpoint="https://cdn.example/", backoff=0.01)
    seen_playlists: list[str] = []
    original_put = storage._put

    def checking_put(key: str, body: bytes, content_type: str, cache_control: str) -> None:
        if key.endswith("/stream.m3u8") and "/0/" in key:
            # A playlist goes up only once every segment it names is in the bucket.
            present = set(keys(client, name))
            for segment in parse_media_playlist(body.decode()).segments:
                assert f"live/hls/0/{segment.uri}" in present, segment.uri
            seen_playlists.append(key)
        original_put(key, body, content_type, cache_control)

    storage._put = checking_put  # type: ignore[method-assign]
    with trio.fail_after(30):
        await storage.start()
        await storage.master_updated("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=320x180\n0/stream.m3u8\n")
        listed: list[Segment] = []
        for n in range(30):
            write_segment(hls / "0", f"stream-a-{n}.ts")
            listed = [*listed, Segment.new(f"stream-a-{n}.ts", 1.0)][-3:]
            media = MediaPlaylist.new(1, listed, media_sequence=max(0, n - 2))
            (hls / "0" / "stream.m3u8").write_text(media.serialise())
            await storage.variant_updated(0, hls / "0" / "stream.m3u8", media)

    assert len(seen_playlists) == 30
    remote = keys(client, name)
    segments = [k for k in remote if k.endswith(".ts")]
    # The bucket keeps segment_count + 20 segments: the rest were deleted in batches.
    assert segments == sorted(f"live/hls/0/stream-a-{n}.ts" for n in range(7, 30))
    # Uploaded copies leave the disk once the playlist (3 segments here) no longer lists them,
    # so a fallback to local storage still has every listed segment.
    assert sorted(p.name for p in (hls / "0").glob("*.ts")) == [f"stream-a-{n}.ts" for n in (27, 28, 29)]
    head = client.head_object(Bucket=name, Key="live/hls/0/stream-a-29.ts")
    assert head["ContentType"] == "video/mp2t" and "max-age=31536000" in head["CacheControl"]
    head = client.head_object(Bucket=name, Key="live/hls/0/stream.m3u8")
    assert head["ContentType"] == "application/x-mpegURL"
    assert head["CacheControl"] == "no-cache, no-store, must-revalidate"
    # serve sends the master from disk, rewritten to absolute URLs on the serving endpoint.
    master = parse_master_playlist((hls / "stream.m3u8").read_text())
    assert [v.uri for v in master.variants] == ["https://cdn.example/live/hls/0/stream.m3u8"]

    clip_path = tmp_path / "clip.ts"
    clip_path.write_bytes(b"\x47clip")
    clip = OfflineClip(clip_path, 1.0, "offline-abc.ts")
    await storage.offline(0, clip, hls / "0" / "stream.m3u8", "#EXTM3U\n#EXT-X-ENDLIST\n")
    assert "live/hls/0/offline-abc.ts" in keys(client, name)
    # No clip could be made: the playlist is still closed, remotely and on disk.
    ended = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-ENDLIST\n"
    await storage.offline(1, None, hls / "1" / "stream.m3u8", ended)
    assert client.get_object(Bucket=name, Key="live/hls/1/stream.m3u8")["Body"].read().decode() == ended
    assert (hls / "1" / "stream.m3u8").read_text() == ended
    assert not [k for k in keys(client, name) if k.startswith("live/hls/1/") and k.endswith(".ts")]
    await storage.clear()
    assert keys(client, name) == []
    assert not any(hls.iterdir())


async def test_unreachable_endpoint_and_missing_bucket_are_one_clear_error(tmp_path: Path, moto_endpoint: str) -> None:
    down = S3Storage(s3_config(f"http://127.0.0.1:{closed_port()}", "x"), tmp_path, segment_seconds=1,
                     segment_count=2)
    with trio.fail_after(20), pytest.raises(StorageError, match="cannot reach the S3 endpoint"):
        await down.start()
    missing = S3Storage(s3_config(moto_endpoint, "no-such-bucket"), tmp_path, segment_seconds=1, segment_count=2)
    with trio.fail_after(20), pytest.raises(StorageError, match="does not exist"):
        await missing.start()


def test_stream_to_s3_then_fall_back_when_the_endpoint_is_down(bucket: tuple[Any, str], moto_endpoint: str,
                                                                migrated: Path) -> None:
    client, name = bucket
    datadir = migrated
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(VARIANTS)),
                       ("s3_storage_config", json.dumps(s3_config(moto_endpoint, name)))):
        owncast("config", "set", key, value, datadir=datadir, check=True)
    server = start_run_all(datadir)
    try:
        server.wait_ready()
        publisher = publish(datadir, 4)
        assert publisher.wait(timeout=30) == 0
        closed = wait_for("the remote playlists to end", lambda: all(
            f"hls/{i}/stream.m3u8" in keys(client, name) and parse_media_playlist(client.get_object(
                Bucket=name, Key=f"hls/{i}/stream.m3u8")["Body"].read().decode()).endlist for i in (0, 1)), 20, server)
        assert closed
        remote = keys(client, name)
        for index in (0, 1):
            media = parse_media_playlist(
                client.get_object(Bucket=name, Key=f"hls/{index}/stream.m3u8")["Body"].read().decode())
            assert media.segments[-1].uri.startswith("offline-")
            assert all(f"hls/{index}/{s.uri}" in remote for s in media.segments)
            on_disk = list((datadir / "hls" / str(index)).glob("stream-*.ts"))
            assert len(on_disk) <= latency_level(0).segment_count  # one playlist window, no more
        master = parse_master_playlist((datadir / "hls" / "stream.m3u8").read_text())
        assert master.variants[0].uri == f"{moto_endpoint}/{name}/hls/0/stream.m3u8"

        # The endpoint goes away: the next stream is served locally, with one clear error.
        owncast("config", "set", "s3_storage_config",
                json.dumps(s3_config(f"http://127.0.0.1:{closed_port()}", name)), datadir=datadir, check=True)
        publisher = publish(datadir, 3)
        assert publisher.wait(timeout=30) == 0
        errors = wait_for("a storage error", lambda: events(datadir, "transcode.storage_error"), 10, server)
        assert len(errors) == 1 and "cannot reach the S3 endpoint" in errors[0]["message"]
        local = wait_for("the local playlist to end", lambda: (p := (datadir / "hls" / "0" / "stream.m3u8")).exists()
                         and parse_media_playlist(p.read_text()).endlist, 15, server)
        assert local
        assert parse_master_playlist((datadir / "hls" / "stream.m3u8").read_text()).variants[0].uri == "0/stream.m3u8"
        assert "S3 storage unusable" in server.log.read_text()
    finally:
        server.stop(timeout=10)

