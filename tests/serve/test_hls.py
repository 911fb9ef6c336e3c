"""HLS delivery over HTTP: types, caching, ranges, validators, traversal, viewer counting."""

from __future__ import annotations

import json
import sqlite3
import time

import httpx
import pytest

from tests.serve.rawhttp import raw_get

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(hls_server):
    with httpx.Client(base_url=hls_server.base_url, timeout=5) as c:
        yield c


def test_master_and_variant_playlists(client, hls_server):
    for path in ("/hls/stream.m3u8", "/hls/0/stream.m3u8", "/hls/1/stream.m3u8"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == "application/x-mpegURL"
        assert "no-cache" in r.headers["cache-control"] and "no-store" in r.headers["cache-control"]
        assert r.headers["access-control-allow-origin"] == "*"
        assert r.text.startswith("#EXTM3U")
    assert "0/stream.m3u8" in client.get("/hls/stream.m3u8").text


def test_segment_headers_and_body(client, hls_server):
    on_disk = (hls_server.datadir / "hls" / "0" / "stream-1.ts").read_bytes()
    r = client.get("/hls/0/stream-1.ts")
    assert r.status_code == 200
    assert r.headers["content-type"] == "video/mp2t"
    assert "max-age=" in r.headers["cache-control"] and "public" in r.headers["cache-control"]
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["accept-ranges"] == "bytes"
    assert int(r.headers["content-length"]) == len(on_disk)
    assert r.content == on_disk
    assert on_disk[0] == 0x47  # an MPEG-TS sync byte: real media


def test_ranges(client, hls_server):
    data = (hls_server.datadir / "hls" / "0" / "stream-2.ts").read_bytes()
    size = len(data)
    r = client.get("/hls/0/stream-2.ts", headers={"Range": "bytes=10-109"})
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes 10-109/{size}"
    assert r.content == data[10:110]
    r = client.get("/hls/0/stream-2.ts", headers={"Range": "bytes=-188"})
    assert r.status_code == 206
    assert r.headers["content-range"] == f"bytes {size - 188}-{size - 1}/{size}"
    assert r.content == data[-188:]
    r = client.get("/hls/0/stream-2.ts", headers={"Range": f"bytes={size - 5}-"})
    assert r.status_code == 206 and r.content == data[-5:]
    r = client.get("/hls/0/stream-2.ts", headers={"Range": f"bytes={size}-"})
    assert r.status_code == 416
    assert r.headers["content-range"] == f"bytes */{size}"


def test_head_and_etag(client, hls_server):
    size = (hls_server.datadir / "hls" / "0" / "stream-0.ts").stat().st_size
    head = client.head("/hls/0/stream-0.ts")
    assert head.status_code == 200
    assert head.content == b""
    assert int(head.headers["content-length"]) == size
    etag = head.headers["etag"]
    again = client.get("/hls/0/stream-0.ts", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get("/hls/0/stream-0.ts", headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and len(other.content) == size


@pytest.mark.parametrize("target", [
    "/hls/../owncast.db",
    "/hls/%2e%2e/owncast.db",
    "/hls/%252e%252e/owncast.db",
    "/hls/0/..%2f..%2fowncast.db",
    "/hls/%2fetc%2fpasswd",
    "/hls//etc/passwd",
    "/hls/0/",
    "/hls/0",
    "/hls/0/stream-0.txt",
    "/public/../owncast.db",
    "/web/..%2f..%2fsetup.cfg",
    "/img/emoji/..%2f..%2fowncast.db",
])
def test_traversal_and_listing_refused(hls_server, target):
    status, body = raw_get(hls_server.base_url, target)
    assert status in (400, 404), (target, status)
    assert b"SQLite" not in body and b"root:" not in body


def test_symlink_out_of_the_folder_refused(client, hls_server):
    link = hls_server.datadir / "hls" / "escape.m3u8"
    link.symlink_to(hls_server.datadir / "owncast.db")
    try:
        assert client.get("/hls/escape.m3u8").status_code == 404
    finally:
        link.unlink()


def _viewers(datadir) -> dict:
    rows = sqlite3.connect(datadir / "owncast.db").execute(
        "SELECT value FROM runtime WHERE key = 'viewers'").fetchall()
    return json.loads(rows[0][0]) if rows else {}


def _wait_viewers(datadir, predicate, timeout=5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        counts = _viewers(datadir)
        if predicate(counts):
            return counts
        if time.monotonic() > deadline:
            raise AssertionError(f"viewer counts stayed {counts}")
        time.sleep(0.05)


def test_playlist_fetches_and_pings_count_viewers(client, hls_server):
    datadir = hls_server.datadir
    before = _viewers(datadir).get("current", 0)
    client.get("/hls/stream.m3u8", headers={"User-Agent": "viewer-one"})
    client.get("/hls/0/stream.m3u8", headers={"User-Agent": "viewer-one"})  # same viewer
    client.get("/api/ping", headers={"User-Agent": "viewer-two"})
    client.get("/hls/0/stream-0.ts", headers={"User-Agent": "viewer-three"})  # segments do not count
    counts = _wait_viewers(datadir, lambda c: c.get("current", 0) >= before + 2)
    assert counts["current"] == before + 2
    assert counts["overallPeak"] >= counts["current"] and counts["sessionPeak"] >= counts["current"]
    status = client.get("/api/status").json()
    assert status["viewerCount"] == counts["current"]
    # The peaks are persisted in Owncast's config keys, and the change went out on the bus.
    db = sqlite3.connect(datadir / "owncast.db")
    peak = db.execute("SELECT value FROM datastore WHERE key='peak_viewers_overall'").fetchone()
    assert peak is not None and json.loads(peak[0]) >= counts["current"]
    events = db.execute("SELECT data FROM events WHERE type='viewers.changed' ORDER BY id DESC LIMIT 1").fetchone()
    assert json.loads(events[0])["current"] == counts["current"]
