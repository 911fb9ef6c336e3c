"""The proxy, ports and daemons checks against a real run-all behind Debian's nginx."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.conftest import RunningServer, fresh_datadir, owncast, serving, start_run_all
from tests.doctor.conftest import PASSES_ALL, PASSES_NOTHING, config_set, doctor, finding


@pytest.fixture(scope="module")
def running() -> Iterator[RunningServer]:
    with serving(start_run_all(fresh_datadir())) as server:
        yield server


@pytest.fixture(autouse=True)
def unset(running: RunningServer) -> Iterator[None]:
    yield
    for key in ("server_url", "trusted_proxies"):
        owncast("config", "unset", key, datadir=running.datadir, check=True)


def test_a_proxy_that_passes_upgrade_and_forwarded_for(running: RunningServer,
                                                       nginx: Callable[[str, str], str]) -> None:
    proxy = nginx(running.base_url, PASSES_ALL)
    config_set(running.datadir, "server_url", proxy)
    config_set(running.datadir, "trusted_proxies", '["127.0.0.1"]')
    code, report = doctor(running.datadir, "proxy", "ports", "daemons")
    assert code == 0, report
    reach = finding(report, "proxy.reach")
    assert reach["status"] == "passed" and "one-time token came back" in reach["seen"]
    forwarded = finding(report, "proxy.forwarded_for")
    assert forwarded["status"] == "passed"
    assert "X-Forwarded-For: 127.0.0.1" in forwarded["seen"] and "trusted proxy 127.0.0.1" in forwarded["seen"]
    assert finding(report, "proxy.websocket")["status"] == "passed"
    assert finding(report, "ports.web")["status"] == "passed"
    rtmp = finding(report, "ports.rtmp")
    assert rtmp["status"] == "passed" and f":{running.rtmp_port}" in rtmp["seen"]
    for name in ("serve", "ingest", "transcode", "chat"):
        assert finding(report, f"daemons.{name}")["status"] == "passed"


def test_a_proxy_that_drops_upgrade_and_forwarded_for(running: RunningServer,
                                                       nginx: Callable[[str, str], str]) -> None:
    proxy = nginx(running.base_url, PASSES_NOTHING)
    config_set(running.datadir, "server_url", proxy)
    config_set(running.datadir, "trusted_proxies", '["127.0.0.1"]')
    code, report = doctor(running.datadir, "proxy")
    assert code == 1
    assert finding(report, "proxy.reach")["status"] == "passed"
    forwarded = finding(report, "proxy.forwarded_for")
    assert forwarded["status"] == "failed" and "sent no X-Forwarded-For" in forwarded["seen"]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for" in forwarded["fix"]
    ws = finding(report, "proxy.websocket")
    assert ws["status"] == "failed" and "instead of switching to a websocket" in ws["seen"]
    assert "proxy_set_header Upgrade $http_upgrade" in ws["fix"] and "proxy_http_version 1.1" in ws["fix"]


def test_a_proxy_not_in_trusted_proxies(running: RunningServer, nginx: Callable[[str, str], str]) -> None:
    config_set(running.datadir, "server_url", nginx(running.base_url, PASSES_ALL))
    config_set(running.datadir, "trusted_proxies", '["10.0.0.0/8"]')
    code, report = doctor(running.datadir, "proxy")
    assert code == 1
    forwarded = finding(report, "proxy.forwarded_for")
    assert forwarded["status"] == "failed" and "is not in trusted_proxies" in forwarded["seen"]
    assert forwarded["fix"] == "`owncast config set trusted_proxies '[\"127.0.0.1\"]'` (add it to the list if there is one)."


def test_a_proxy_that_forwards_to_another_server(running: RunningServer, nginx: Callable[[str, str], str]) -> None:
    elsewhere = nginx("http://127.0.0.1:9/", "\n      return 200 'another site';")
    config_set(running.datadir, "server_url", elsewhere)
    code, report = doctor(running.datadir, "proxy")
    assert code == 1
    reach = finding(report, "proxy.reach")
    assert reach["status"] == "failed" and "answered 200, not this server's token" in reach["seen"]
    assert "proxy_pass every path of server_url" in reach["fix"]
    assert [c["check"] for c in report["checks"]] == ["proxy.reach"]


def test_the_echo_route_answers_nobody_without_the_token(running: RunningServer) -> None:
    with httpx.Client(base_url=running.base_url, timeout=5) as client:
        for params in ({}, {"token": "guess"}):
            response = client.get("/api/doctor/echo", params=params)
            assert response.status_code == 404 and "peer" not in response.text


def test_the_admin_route_needs_auth_and_answers_the_cli_shape(running: RunningServer,
                                                               nginx: Callable[[str, str], str]) -> None:
    config_set(running.datadir, "server_url", nginx(running.base_url, PASSES_ALL))
    config_set(running.datadir, "trusted_proxies", '["127.0.0.1"]')
    with httpx.Client(base_url=running.base_url, timeout=30) as client:
        assert client.get("/api/admin/doctor").status_code == 401
        assert client.get("/api/admin/doctor", auth=("admin", "wrong")).status_code == 401
        answer = client.get("/api/admin/doctor", params={"only": "proxy,daemons,security"}, auth=("admin", "abc123"))
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
        report = answer.json()
        refused = client.get("/api/admin/doctor", params={"only": "nope"}, auth=("admin", "abc123"))
    assert list(report) == ["ok", "seconds", "summary", "checks"]
    assert report["ok"] is False  # the default password and stream key
    assert finding(report, "security.admin_password")["status"] == "failed"
    # Run inside serve, the proxy checks reach serve through nginx as the CLI's do.
    for check in ("proxy.reach", "proxy.forwarded_for", "proxy.websocket", "daemons.serve", "daemons.chat"):
        assert finding(report, check)["status"] == "passed", report
    _, cli = doctor(running.datadir, "proxy", "daemons", "security")
    assert [c["check"] for c in cli["checks"]] == [c["check"] for c in report["checks"]]
    assert refused.status_code == 400 and "unknown check nope" in refused.json()["error"]


def test_a_full_run_covers_every_family_within_30_seconds(running: RunningServer) -> None:
    from owncast_cli.doctor.families import FAMILIES

    code, report = doctor(running.datadir)
    assert code == 1  # the default admin password and stream key
    assert report["seconds"] < 30
    families = {c["check"].split(".")[0] for c in report["checks"]}
    assert families == set(FAMILIES)
    timed_out = [c for c in report["checks"] if "did not finish within" in c["seen"]]
    assert timed_out == []
    failed = {c["check"] for c in report["checks"] if c["status"] == "failed"}
    # The ladder's speed is measured against the clock: a heavily loaded test machine may fail it.
    assert failed - {"ffmpeg.speed"} == {"security.admin_password", "security.stream_key"}, report


def test_the_websocket_host_override_is_where_the_upgrade_is_tried(running: RunningServer,
                                                                   nginx: Callable[[str, str], str]) -> None:
    # Pages through a proxy that passes everything, the websocket through one that drops the upgrade
    # (a CDN in front of the site, chat on its own host): the websocket check follows the override.
    config_set(running.datadir, "server_url", nginx(running.base_url, PASSES_ALL))
    websockets = nginx(running.base_url, PASSES_NOTHING).replace("http://", "ws://")
    config_set(running.datadir, "websocket_host_override", websockets)
    config_set(running.datadir, "trusted_proxies", '["127.0.0.1"]')
    try:
        code, report = doctor(running.datadir, "proxy")
    finally:
        owncast("config", "unset", "websocket_host_override", datadir=running.datadir, check=True)
    assert code == 1
    assert finding(report, "proxy.forwarded_for")["status"] == "passed"
    ws = finding(report, "proxy.websocket")
    assert ws["status"] == "failed" and ws["seen"].startswith(f"{websockets}/ws answered ")
