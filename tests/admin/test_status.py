"""Status, disconnect, viewers and the monitoring routes, with a live ``owncast publish-test`` stream."""

from __future__ import annotations

import subprocess
import time

import httpx

from tests.conftest import OWNCAST, ROOT, RunningServer
from tests.openapi import assert_valid


def wait_for(predicate, timeout: float = 20, every: float = 0.1):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not true within {timeout}s")


def test_status_offline_warns_about_defaults(admin: httpx.Client) -> None:
    body = admin.get("/api/admin/status").json()
    # Owncast sends null broadcaster and currentBroadcast while offline; its file types them as objects.
    assert body["broadcaster"] is None and body["currentBroadcast"] is None
    assert_valid({k: v for k, v in body.items() if k not in ("broadcaster", "currentBroadcast")}, "/api/admin/status")
    assert body["online"] is False and body["health"] is None
    assert any("admin password is still the default" in w for w in body["warnings"])
    assert any("only stream key is the default" in w for w in body["warnings"])
    assert body["viewerCount"] == 0 and body["versionNumber"]
    assert admin.post("/api/admin/disconnect", json={}).json() == {"success": False, "message": "no inbound stream connected"}


def test_live_stream_status_and_disconnect(admin_server: RunningServer, admin: httpx.Client) -> None:
    publish = subprocess.Popen(
        [*OWNCAST, "publish-test", "--datadir", str(admin_server.datadir), "--size", "320x240", "--fps", "15",
         "--bitrate", "300"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        body = wait_for(lambda: (b := admin.get("/api/admin/status").json())["online"] and b)
        assert_valid(body, "/api/admin/status")
        details = body["broadcaster"]["streamDetails"]
        assert (details["width"], details["height"]) == (320, 240)
        assert details["framerate"] == 15
        assert details["videoCodec"] == "H.264" and details["audioCodec"] == "AAC"
        assert body["broadcaster"]["remoteAddr"].startswith("127.0.0.1:")
        assert body["currentBroadcast"]["latencyLevel"] == {"level": 2}
        assert body["health"]["healthPercentage"] <= 100
        disconnected = admin.post("/api/admin/disconnect", json={})
        assert disconnected.json() == {"success": True, "message": "inbound stream disconnected"}
        assert_valid(disconnected.json(), "/api/admin/disconnect", "post")
        wait_for(lambda: not admin.get("/api/admin/status").json()["online"])
        # The encoder saw its connection end (ffmpeg exits; OBS would reconnect).
        publish.wait(timeout=15)
        stopped = admin.get("/api/admin/status").json()
        assert stopped["broadcaster"] is None and stopped["health"] is None
    finally:
        if publish.poll() is None:
            publish.kill()
            publish.wait()


def test_viewers(admin_server: RunningServer, admin: httpx.Client) -> None:
    httpx.get(f"{admin_server.base_url}/api/ping", headers={"User-Agent": "test-viewer/1"})
    viewers = admin.get("/api/admin/viewers").json()
    assert_valid(viewers, "/api/admin/viewers")
    mine = [v for v in viewers if v["userAgent"] == "test-viewer/1"]
    assert len(mine) == 1 and mine[0]["ipAddress"] == "127.0.0.1" and mine[0]["firstSeen"].endswith("Z")


def test_time_series(admin: httpx.Client) -> None:
    # The sampler writes one sample of each series when the server starts.
    stats = wait_for(lambda: (s := admin.get("/api/admin/hardwarestats").json())["cpu"] and s)
    assert_valid(stats, "/api/admin/hardwarestats")
    for name in ("cpu", "memory", "disk"):
        assert 0 <= stats[name][-1]["value"] <= 100
    viewers = admin.get("/api/admin/viewersOverTime").json()
    assert_valid(viewers, "/api/admin/viewersOverTime")
    assert viewers and viewers[0]["value"] >= 0
    assert admin.get("/api/admin/viewersOverTime", params={"windowStart": str(int(time.time()) + 3600)}).json() == []
    bad = admin.get("/api/admin/viewersOverTime", params={"windowStart": "yesterday"})
    assert bad.status_code == 400 and "windowStart" in bad.json()["message"]
    video = admin.get("/api/admin/metrics/video").json()
    assert_valid(video, "/api/admin/metrics/video")
    assert video["availableBitrates"] == [1200] and video["segmentLength"] == 3


def test_logs(admin: httpx.Client) -> None:
    logs = admin.get("/api/admin/logs").json()
    assert_valid(logs, "/api/admin/logs")
    assert any("serving on" in entry["message"] for entry in logs)
    warnings = admin.get("/api/admin/logs/warnings").json()
    assert_valid(warnings, "/api/admin/logs/warnings")
    assert warnings and all(entry["level"] in ("warning", "error", "fatal") for entry in warnings)
    assert any("admin password is still the default" in entry["message"] for entry in warnings)


def test_prometheus(admin: httpx.Client) -> None:
    response = admin.get("/api/admin/prometheus")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name_labels, value = line.rsplit(" ", 1)
            samples[name_labels.split("{")[0]] = float(value)
    for name in ("owncast_instance_active_viewer_count", "owncast_instance_cpu_usage",
                 "owncast_instance_total_chat_users", "owncast_instance_current_chat_message_count",
                 "owncast_instance_playback_error_count", "owncast_stream_online"):
        assert name in samples, name
    assert "# TYPE owncast_instance_cpu_usage gauge" in response.text
    assert admin.post("/api/admin/prometheus", json={}).status_code == 200


async def test_prometheus_counts_connected_chat_clients(admin_server, admin: httpx.Client) -> None:
    import trio
    from trio_websocket import open_websocket_url

    def gauge() -> float:
        for line in admin.get("/api/admin/prometheus").text.splitlines():
            if line.startswith("owncast_instance_active_chat_client_count"):
                return float(line.rsplit(" ", 1)[1])
        raise AssertionError("no owncast_instance_active_chat_client_count")

    before = gauge()
    token = httpx.post(f"{admin_server.base_url}/api/chat/register", json={}, timeout=5).json()["accessToken"]
    url = admin_server.base_url.replace("http://", "ws://") + f"/ws?accessToken={token}"
    with trio.fail_after(10):
        async with open_websocket_url(url):
            while gauge() != before + 1:  # chat writes the count within a second of a change
                await trio.sleep(0.1)
        while gauge() != before:
            await trio.sleep(0.1)
