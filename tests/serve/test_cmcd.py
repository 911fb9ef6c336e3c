"""Playback metrics: CMCD parsing (Owncast's own cases), the per-client window, the collector over
HTTP, and the fold into the admin's stream-health figures."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import trio

from owncast_cli import state
from owncast_cli.bus import open_bus
from owncast_cli.daemons.context import Context
from owncast_cli.db import open_database
from owncast_cli.plugins import load_plugins
from owncast_cli.serve.admin.metrics import Sampler
from owncast_cli.serve.admin.status import health
from owncast_cli.serve.cmcd import PlaybackReport, collector_reports, parse_payload, request_keys, to_report
from owncast_cli.serve.metrics import HEALTH_KEY, PlaybackMetrics, Window, aggregate, parse_report
from owncast_cli.serve.playback_clients import PlaybackClients
from owncast_cli.settings import Settings
from tests.conftest import RunningServer
from tests.openapi import assert_valid


@pytest.mark.parametrize(("payload", "expected"), [
    # CTA-5004's example, as Owncast's TestParseCMCDQueryParameter reads it.
    ('br=1200,bs,d=3000,mtp=25400,ot=v,sid="6e2fb550-c457-11e9-bb97-0800200c9a66",tb=6000',
     {"br": 1200.0, "bs": True, "d": 3000.0, "mtp": 25400.0, "ot": "v",
      "sid": "6e2fb550-c457-11e9-bb97-0800200c9a66", "tb": 6000.0}),
    ('sid="4f5a6b7c",cid="with,comma and \\"quote\\""', {"sid": "4f5a6b7c", "cid": 'with,comma and "quote"'}),
    ('ltc=4200,mtp=12300,pr=1,sid="v2-player",v=2', {"ltc": 4200.0, "mtp": 12300.0, "pr": 1.0, "sid": "v2-player", "v": 2.0}),
    (" , =3,x= 7 ,", {"x": 7.0}),
    ("", {}),
])
def test_dictionary_payloads(payload: str, expected: dict) -> None:
    assert parse_payload(payload) == expected


def test_request_keys_from_query_and_headers() -> None:
    headers = {"cmcd-request": "mtp=48100", "cmcd-session": 'sid="4f5a6b7c"', "cmcd-status": "bs"}
    assert request_keys(None, headers) == {"mtp": 48100.0, "sid": "4f5a6b7c", "bs": True}
    assert request_keys("ltc=10", {}) == {"ltc": 10.0}
    assert request_keys(None, {}) is None


def test_collector_reports_as_owncast_finds_them() -> None:
    batch = (b'[{"e":"ps","ts":1750000000000,"sta":"p","ltc":3100,"sid":"s1","sn":1},'
             b'{"e":"t","mtp":8200,"bs":true,"sid":"s1","sn":2}, 7]')
    reports = collector_reports("POST", batch, None, {})
    assert [r["sn"] for r in reports] == [1, 2] and reports[1]["bs"] is True
    # An object gets the request's own keys merged in; an array gets them as one more report.
    assert collector_reports("POST", b'{"e":"e","sid":"s2"}', "mtp=5", {}) == [{"e": "e", "sid": "s2", "mtp": 5.0}]
    assert collector_reports("POST", b"[]", "mtp=5", {}) == [{"mtp": 5.0}]
    assert collector_reports("GET", b"", 'e=t,mtp=5100,sid="s3"', {}) == [{"e": "t", "mtp": 5100.0, "sid": "s3"}]
    assert collector_reports("POST", b"", None, {}) == []
    assert collector_reports("POST", b'"text"', None, {}) == []
    with pytest.raises(ValueError, match="not JSON"):
        collector_reports("POST", b"{not json", None, {})


def test_reports_map_the_consumed_keys() -> None:
    report = to_report({"mtp": 8200, "ltc": 3100, "ttlb": 450, "br": 1200, "bs": True, "e": "e", "sid": "s1"}, "viewer")
    assert report == PlaybackReport("s1", 8200.0, 3.1, 0.45, 1200.0, errors=2.0, viewer_id="viewer")
    # No sid: the request's viewer identity; nonsense values are not measurements.
    assert to_report({"mtp": "fast", "ltc": -3, "bs": "yes"}, "viewer") == PlaybackReport("viewer", errors=0.0, viewer_id="viewer")


def test_window_counts_each_client_once() -> None:
    window = Window()
    for mtp, br in ((1000, 1200), (3000, 1200), (3000, 600)):  # one client: latest figures, one switch
        window.add(to_report({"sid": "a", "mtp": mtp, "br": br, "ltc": 2000}, "x"))
    window.add(to_report({"sid": "b", "mtp": 500, "bs": True}, "x"))
    window.add(to_report({"sid": "b", "e": "e"}, "x"))
    window.add(parse_report({"errors": 0, "qualityVariantChanges": 2, "bandwidth": 9000, "latency": 4}, "legacy"))
    health_window = aggregate(window)
    assert health_window["clients"] == 3 and health_window["reports"] == 6
    assert health_window["bandwidthKbps"] == {"min": 500.0, "median": 3000.0, "max": 9000.0}
    assert health_window["latencySeconds"] == {"min": 2.0, "median": 3.0, "max": 4.0}
    assert health_window["errors"] == 2 and health_window["clientsWithErrors"] == 1
    assert health_window["qualityVariantChanges"] == 3
    assert health_window["segmentDownloadSeconds"] is None


def test_health_overview_as_owncast_words_it() -> None:
    playback = {"clients": 4, "clientsWithErrors": 1}
    assert health(True, None, playback, 8) == {
        "healthy": False, "healthPercentage": 75, "representation": 50,
        "message": "1 of 4 clients (25%) are experiencing different, unspecified, playback issues."}
    assert health(True, None, {"clients": 10, "clientsWithErrors": 1}, 10)["healthy"] is True
    assert health(True, None, {"clients": 3, "clientsWithErrors": 0}, 3) == {
        "message": "", "healthPercentage": 100, "representation": 100, "healthy": True}
    assert health(False, None, playback, 8) is None


async def test_reports_fold_into_the_admin_figures(migrated: Path) -> None:
    settings = Settings(datadir=migrated)
    db = open_database(settings.db_path)
    try:
        async with open_bus(db, settings.run_dir, "test") as bus:
            ctx = Context(settings, db, bus, load_plugins(None, entry_points=False))
            # A short window on the real clock: the fold writes in worker threads, which a mock
            # clock would jump past.
            collector = PlaybackMetrics(ctx, interval=0.5, raw_flush=0.1)
            with trio.fail_after(20):
                async with trio.open_nursery() as nursery:
                    await nursery.start(collector.run)
                    body = b'[{"sid":"p1","mtp":4000,"ltc":2500,"br":1200},{"sid":"p1","br":600,"ttlb":300}]'
                    for keys in collector_reports("POST", body, None, {}):
                        collector.add(to_report(keys, "viewer-1"))
                    collector.add(to_report(parse_payload('sid="p2",mtp=800,bs'), "viewer-2"))
                    started = trio.current_time()
                    while (stored := await db.run(lambda: state.get(db, HEALTH_KEY))) is None:
                        await trio.sleep(0.05)
                    assert trio.current_time() - started >= 0.4  # folded at the window's end, not before
                    assert stored["clients"] == 2 and stored["qualityVariantChanges"] == 1
                    assert stored["bandwidthKbps"] == {"min": 800.0, "median": 2400.0, "max": 4000.0}
                    assert stored["segmentDownloadSeconds"]["median"] == 0.3
                    await Sampler(ctx).sample()  # the admin's series read what the window left
                    rows = await db.run(lambda: db.execute(
                        "SELECT name, value FROM metric_samples WHERE name LIKE 'playback.%' ORDER BY name"))
                    assert dict(rows) == {
                        "playback.bitrate.max": 4000.0, "playback.bitrate.median": 2400.0,
                        "playback.bitrate.min": 800.0, "playback.download.max": 0.3,
                        "playback.download.median": 0.3, "playback.download.min": 0.3,
                        "playback.errors": 1.0, "playback.latency.max": 2.5, "playback.latency.median": 2.5,
                        "playback.latency.min": 2.5, "playback.qualityVariantChanges": 1.0}
                    raw = await db.run(lambda: db.execute(
                        "SELECT client_id, bandwidth, errors, quality_variant_changes FROM playback_reports ORDER BY id"))
                    assert raw == [("p1", 4000.0, 0.0, 0.0), ("p1", None, 0.0, 1.0), ("p2", 800.0, 1.0, 0.0)]
                    nursery.cancel_scope.cancel()
    finally:
        db.close()


@pytest.fixture
def http(hls_server: RunningServer):
    with httpx.Client(base_url=hls_server.base_url, timeout=5) as client:
        yield client


def test_collector_over_http(http: httpx.Client, hls_server: RunningServer) -> None:
    single = http.post("/api/metrics/cmcd", json={"v": 2, "e": "ps", "ts": 1750000000000, "sta": "p",
                                                  "ltc": 3200, "mtp": 5100, "sid": "http-test", "sn": 1})
    assert (single.status_code, single.content) == (200, b"")
    assert single.headers["access-control-allow-origin"] == "*"
    batch = http.post("/api/metrics/cmcd", json=[{"v": 2, "e": "t", "mtp": 5200, "sid": "http-test", "sn": 2},
                                                 {"v": 2, "e": "ps", "sta": "w", "bs": True, "sid": "http-test"}])
    assert batch.status_code == 200
    query = http.get("/api/metrics/cmcd?CMCD=" + quote('e=t,ltc=2900,mtp=4800,sid="http-query"'))
    assert query.status_code == 200
    headers = http.post("/api/metrics/cmcd", headers={"CMCD-Request": "mtp=6100", "CMCD-Session": 'sid="http-hdr"'})
    assert headers.status_code == 200
    preflight = http.options("/api/metrics/cmcd", headers={
        "Origin": "https://example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    for refused, message in (
            (http.post("/api/metrics/cmcd", content=b"{not json", headers={"Content-Type": "application/json"}), "not JSON"),
            (http.post("/api/metrics/cmcd", json=[]), "no CMCD report found in request"),
            (http.get("/api/metrics/cmcd"), "no CMCD report found in request"),
            (http.post("/api/metrics/cmcd", json=[{"pad": "x" * 70_000}]), "http: request body too large")):
        assert refused.status_code == 400 and message in refused.json()["message"], refused.text
        assert refused.json()["success"] is False and refused.headers["access-control-allow-origin"] == "*"
    # The raw reports reach the database (batched every few seconds).
    deadline = time.monotonic() + 15
    while True:
        rows = sqlite3.connect(hls_server.datadir / "owncast.db").execute(
            "SELECT client_id, bandwidth, latency, errors FROM playback_reports"
            " WHERE client_id LIKE 'http-%' ORDER BY id").fetchall()
        if len(rows) >= 5 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert rows == [("http-test", 5100.0, 3.2, 0.0), ("http-test", 5200.0, None, 0.0), ("http-test", None, None, 1.0),
                    ("http-query", 4800.0, 2.9, 0.0), ("http-hdr", 6100.0, None, 0.0)]


def test_each_client_keeps_its_session_figures_while_fresh() -> None:
    now = [1_800_000_000.0]
    clients = PlaybackClients(clock=lambda: now[0])
    first = to_report({"sid": "p1", "mtp": 4000, "ltc": 2500, "br": 1200, "sta": "p"}, "viewer-1")
    clients.record(first, 0.0)
    now[0] += 20
    clients.record(to_report({"sid": "p1", "br": 600, "bs": True, "sta": "w"}, "viewer-1"), 1.0)
    (client,) = clients.active()
    assert (client.client_id, client.viewer_id) == ("p1", "viewer-1")
    health = clients.health(client)
    assert health == {"source": "client", "lastUpdate": "2027-01-15T08:00:20.000000Z", "playerState": "w",
                      "bandwidthKbps": 4000.0, "latencySeconds": 2.5, "downloadSeconds": None,
                      "bitrateKbps": 600.0, "errorCount": 1.0, "qualityVariantChanges": 1.0}
    now[0] += 15  # the throughput and latency were taken 35 s ago: unknown now, not stale numbers
    health = clients.health(client)
    assert health["bandwidthKbps"] is None and health["latencySeconds"] is None and health["bitrateKbps"] == 600.0
    # A legacy report counts its own errors and switches; a player silent for 60 s is gone.
    clients.record(parse_report({"errors": 2, "qualityVariantChanges": 3}, "viewer-2"), 3.0)
    now[0] += 60
    assert clients.active() == []
    clients.record(first, 0.0)  # back after its session ended: a new one, counters from zero
    assert clients.health(clients.active()[0])["errorCount"] == 0.0


def test_playback_clients_over_http(http: httpx.Client) -> None:
    watcher, lurker = {"User-Agent": "cmcd-watcher"}, {"User-Agent": "cmcd-lurker"}
    assert http.get("/api/ping", headers=watcher).status_code == 200
    assert http.get("/api/ping", headers=lurker).status_code == 200
    report = {"v": 2, "e": "t", "sid": "http-session", "mtp": 3300, "ltc": 1800, "br": 1200, "sta": "p"}
    assert http.post("/api/metrics/cmcd", json=report, headers=watcher).status_code == 200
    listed = http.get("/api/admin/viewers/playback", auth=("admin", "abc123"))
    assert listed.status_code == 200
    assert_valid(listed.json(), "/api/admin/viewers/playback")
    by_agent = {c["userAgent"]: c for c in listed.json()}
    watching = by_agent["cmcd-watcher"]
    assert watching["clientID"] == "http-session" and watching["viewerID"] != "http-session"
    assert watching["playback"]["bandwidthKbps"] == 3300 and watching["playback"]["latencySeconds"] == 1.8
    assert watching["playback"]["playerState"] == "p" and watching["playback"]["errorCount"] == 0
    assert by_agent["cmcd-lurker"]["playback"] is None  # a viewer whose player says nothing is listed too
    assert by_agent["cmcd-lurker"]["clientID"] == by_agent["cmcd-lurker"]["viewerID"]
