"""Owncast's public API over HTTP, every JSON body validated against Owncast's OpenAPI file."""

from __future__ import annotations

import sqlite3
import time

import httpx
import pytest

from tests.conftest import owncast
from tests.openapi import assert_valid

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(hls_server):
    with httpx.Client(base_url=hls_server.base_url, timeout=5) as c:
        yield c


@pytest.mark.parametrize("path", ["/api/status", "/api/config", "/api/emoji", "/api/socialplatforms",
                                  "/api/video/variants", "/api/followers"])
def test_json_routes_match_openapi(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert_valid(r.json(), path)


def test_variants_follow_the_config(client):
    variants = client.get("/api/video/variants").json()
    assert [v["index"] for v in variants] == [0, 1]
    assert variants[1]["name"] == "Low" and "600" in variants[0]["name"]


def test_emoji_lists_the_shipped_set_and_serves_it(client, hls_server):
    custom = hls_server.datadir / "emoji" / "blob.png"
    custom.write_bytes(b"\x89PNG\r\n\x1a\n")
    try:
        emoji = client.get("/api/emoji").json()
        names = {e["name"]: e["url"] for e in emoji}
        assert names["wave"] == "/img/emoji/wave.svg"
        assert names["blob"] == "/img/emoji/blob.png"
        shipped = client.get(names["wave"])
        assert shipped.status_code == 200 and shipped.headers["content-type"] == "image/svg+xml"
        own = client.get(names["blob"])
        assert own.status_code == 200 and own.content.startswith(b"\x89PNG")
    finally:
        custom.unlink()


def test_social_platform_icons_are_served(client):
    platforms = client.get("/api/socialplatforms").json()
    assert platforms["mastodon"] == {"platform": "Mastodon", "icon": "/img/platformlogos/mastodon.svg"}
    for entry in platforms.values():
        assert client.head(entry["icon"]).status_code == 200, entry


def test_yp_is_404_until_listed_then_valid(client, hls_server):
    r = client.get("/api/yp")
    assert r.status_code == 404 and "error" in r.json()
    owncast("config", "set", "directory_enabled", "true", datadir=hls_server.datadir, check=True)
    try:
        body = _poll(client, "/api/yp", lambda r: r.status_code == 200).json()
        # Owncast's NullTime is null until the first stream; its file types it as a string.
        assert list(body)[0] == "lastConnectTime" and body["lastConnectTime"] is None
        assert_valid({k: v for k, v in body.items() if v is not None}, "/api/yp")
        assert body["online"] is False and body["name"]
    finally:
        owncast("config", "set", "directory_enabled", "false", datadir=hls_server.datadir, check=True)


def _poll(client, path, ok, timeout=5.0):
    import time

    deadline = time.monotonic() + timeout
    while True:
        r = client.get(path)
        if ok(r) or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


def test_ping_and_playback_metrics(client):
    assert client.get("/api/ping").status_code == 200
    ok = client.post("/api/metrics/playback", json={"bandwidth": 2400.5, "latency": 4.2, "errors": 0,
                                                    "downloadDuration": 0.3, "qualityVariantChanges": 1})
    assert (ok.status_code, ok.content) == (200, b"")  # Owncast writes no body
    for body, message in (({"bandwidth": 1}, "errors field is required"),
                          ({"errors": 0}, "qualityVariantChanges field is required")):
        bad = client.post("/api/metrics/playback", json=body)
        assert (bad.status_code, bad.json()) == (400, {"success": False, "message": message})
    worse = client.post("/api/metrics/playback", content=b"not json")
    assert worse.status_code == 400 and worse.json()["success"] is False


def test_raw_playback_reports_are_persisted(client, hls_server):
    client.post("/api/metrics/playback", headers={"User-Agent": "metrics-probe"},
                json={"bandwidth": 1234.5, "errors": 2, "qualityVariantChanges": 0})
    deadline = time.monotonic() + 15  # written in batches every 5 s
    while True:
        rows = sqlite3.connect(hls_server.datadir / "owncast.db").execute(
            "SELECT bandwidth, latency, errors, quality_variant_changes FROM playback_reports"
            " WHERE bandwidth = 1234.5").fetchall()
        if rows or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows == [(1234.5, None, 2.0, 0.0)]


@pytest.mark.parametrize(("offset", "limit", "status"), [
    ("0", "10", 200), ("", "", 200), ("-5", "-1", 200), ("+3", "007", 200),  # empty: the default; else Atoi
    ("1.5", "10", 400), ("0", "ten", 400), ("0", "\u00b2", 400), ("0", str(2**63), 400),
])
def test_followers_pagination_follows_owncast(client, offset, limit, status):
    response = client.get("/api/followers", params={"offset": offset, "limit": limit})
    assert response.status_code == status, response.text


def test_unknown_api_path_is_json_404_and_wrong_method_405(client):
    r = client.get("/api/does-not-exist")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert "error" in r.json()
    r = client.delete("/api/status")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert r.headers["content-type"].startswith("application/json")


def test_request_size_limit(client):
    r = client.post("/api/metrics/playback", content=b"{" + b" " * (2 << 20) + b"}",
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_live_config_changes_reach_the_api_without_restart(client, hls_server):
    owncast("config", "set", "stream_title", "Testing live changes", datadir=hls_server.datadir, check=True)
    try:
        r = _poll(client, "/api/status", lambda r: r.json().get("streamTitle") == "Testing live changes")
        assert r.json()["streamTitle"] == "Testing live changes"
        assert client.get("/api/config").json()["streamTitle"] == "Testing live changes"
    finally:
        owncast("config", "unset", "stream_title", datadir=hls_server.datadir, check=True)
