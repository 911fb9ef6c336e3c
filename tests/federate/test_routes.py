"""The public federation routes over HTTP: Owncast's status codes and content types, the 405s
while federation is disabled, and serve's answers while the federate daemon is not running."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest

from tests.conftest import RunningServer, fresh_datadir, owncast, serving, start_run_all
from tests.federate.conftest import configure

SCHEMA = json.loads((Path(__file__).parents[1] / "protocols" / "activitypub" / "nodeinfo-2.0.schema.json").read_text())
AP = {"Accept": "application/activity+json"}
PUBLIC_ROUTES = ["/.well-known/webfinger?resource=acct:streamer@stream.example", "/.well-known/host-meta",
                 "/.well-known/nodeinfo", "/.well-known/x-nodeinfo2", "/nodeinfo/2.0", "/api/v1/instance",
                 "/federation/user/streamer", "/federation/user/streamer/outbox",
                 "/federation/user/streamer/followers", "/federation/user/streamer/following", "/federation/abc"]


def get(server: RunningServer, path: str, **headers: str) -> httpx.Response:
    return httpx.get(server.base_url + path, headers=headers, timeout=10)


@pytest.mark.parametrize(("resource", "status"), [
    ("acct:streamer@stream.example", 200), ("acct:nobody@stream.example", 404),
    ("acct:streamer@other.example", 501), ("streamer@stream.example", 400), ("acct:a@b@c", 400)])
def test_webfinger(fed_server: RunningServer, resource: str, status: int) -> None:
    response = get(fed_server, f"/.well-known/webfinger?resource={resource}")
    assert response.status_code == status
    if status == 200:
        assert response.headers["content-type"] == "application/jrd+json"
        assert response.json()["links"][0]["href"] == "https://stream.example/federation/user/streamer"


def test_discovery_documents(fed_server: RunningServer) -> None:
    links = get(fed_server, "/.well-known/nodeinfo").json()
    assert links == {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                                "href": "https://stream.example/nodeinfo/2.0"}]}
    nodeinfo = get(fed_server, "/nodeinfo/2.0")
    assert nodeinfo.headers["content-type"].startswith("application/json; profile=")
    jsonschema.Draft4Validator(SCHEMA).validate(nodeinfo.json())
    meta = get(fed_server, "/.well-known/host-meta")
    assert meta.headers["content-type"] == "application/xrd+xml; charset=utf-8"
    assert 'template="https://stream.example/.well-known/webfinger?resource={uri}"' in meta.text
    x = get(fed_server, "/.well-known/x-nodeinfo2").json()
    assert x["server"]["baseUrl"] == "https://stream.example" and x["protocols"] == ["activitypub"]
    instance = get(fed_server, "/api/v1/instance").json()
    assert list(instance)[:4] == ["uri", "title", "short_description", "description"]
    assert instance["thumbnail"] == "https://stream.example/logo/external"


def test_actor_and_collections(fed_server: RunningServer) -> None:
    actor = get(fed_server, "/federation/user/streamer", **AP)
    assert actor.headers["content-type"] == "application/activity+json"
    assert actor.headers["signature"].startswith('keyId="https://stream.example/federation/user/streamer#main-key"')
    doc = actor.json()
    assert doc["type"] == "Service" and "BEGIN PUBLIC KEY" in doc["publicKey"]["publicKeyPem"]
    assert doc["publicKey"]["publicKeyPem"] == get(fed_server, "/federation/user/streamer", **AP).json()[
        "publicKey"]["publicKeyPem"], "the key is generated once"
    browser = get(fed_server, "/federation/user/streamer", Accept="text/html")
    assert browser.status_code == 307 and browser.headers["location"] == "/"
    assert get(fed_server, "/federation/user/nobody", **AP).status_code == 404
    outbox = get(fed_server, "/federation/user/streamer/outbox", **AP).json()
    assert outbox["type"] == "OrderedCollection" and outbox["first"].endswith("/outbox?page=1")
    assert get(fed_server, "/federation/user/streamer/outbox?page=x", **AP).status_code == 400
    assert get(fed_server, "/federation/user/streamer/following", **AP).status_code == 404
    assert get(fed_server, "/federation/nothing-here", **AP).status_code == 404


@pytest.fixture(scope="module")
def without_federate() -> Iterator[RunningServer]:
    with serving(start_run_all(fresh_datadir(), "--without", "federate")) as running:
        yield running


def test_federation_disabled_answers_405(without_federate: RunningServer) -> None:
    for path in PUBLIC_ROUTES:
        assert get(without_federate, path, **AP).status_code == 405, path
    assert httpx.post(without_federate.base_url + "/federation/user/streamer/inbox", content=b"{}").status_code == 405


def test_federate_not_running_answers_503_naming_how_to_start_it(without_federate: RunningServer) -> None:
    for path in ("/api/admin/followers", "/api/admin/followers/pending", "/api/admin/federation/actions"):
        response = httpx.get(without_federate.base_url + path, auth=("admin", "abc123"))
        assert response.status_code == 503 and response.headers["retry-after"]
        assert response.json()["daemon"] == "federate"
        assert "`owncast federate`" in response.json()["error"]
    configure(without_federate.datadir, federation_enabled=True)
    try:
        owncast("config", "get", "federation_enabled", datadir=without_federate.datadir, check=True)
        for _ in range(250):  # serve's live config follows the bus within milliseconds
            response = get(without_federate, "/nodeinfo/2.0")
            if response.status_code != 405:
                break
            time.sleep(0.02)
        assert response.status_code == 503
    finally:
        configure(without_federate.datadir, federation_enabled=False)


def test_public_followers_come_from_the_database(without_federate: RunningServer) -> None:
    response = get(without_federate, "/api/followers")
    assert response.status_code == 200 and response.json()["total"] == 0


def test_serve_proxies_to_federate_running_apart(without_federate: RunningServer) -> None:
    from tests.federate.test_sigkill import start_federate

    configure(without_federate.datadir, federation_enabled=True, server_url="https://stream.example")
    proc = start_federate(without_federate.datadir)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            response = get(without_federate, "/.well-known/webfinger?resource=acct:streamer@stream.example")
            if response.status_code == 200:
                break
            assert proc.poll() is None, (without_federate.datadir / "federate.log").read_text()
            time.sleep(0.05)
        assert response.status_code == 200 and response.headers["content-type"] == "application/jrd+json"
        followers = httpx.get(without_federate.base_url + "/api/admin/followers", auth=("admin", "abc123"))
        assert followers.status_code == 200 and followers.json() == {"total": 0, "results": []}
        assert httpx.get(without_federate.base_url + "/api/admin/followers").status_code == 401
    finally:
        proc.terminate()
        assert proc.wait(15) == 0
        configure(without_federate.datadir, federation_enabled=False)
    response = httpx.get(without_federate.base_url + "/api/admin/followers", auth=("admin", "abc123"))
    assert response.status_code == 503
