"""Two of our own servers: B's actor follows A's (the Follow is signed by httpsig with B's stored
key, since our actor never follows by itself); A accepts and then posts, and B's own inbox verifies
A's signatures with B's code, fetching A's actor over HTTP. Both use loopback http server URLs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
import trio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import RunningServer, fresh_datadir, owncast, serving, start_run_all
from tests.federate.conftest import configure, query, wait_until
from tests.federate.peer import Peer


@pytest.fixture
def server_b() -> Iterator[RunningServer]:
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    configure(datadir, federation_enabled=True, outbound_allowed_hosts=["127.0.0.1"])
    with serving(start_run_all(datadir)) as running:
        configure(datadir, server_url=running.base_url)
        yield running


async def test_two_of_our_servers(fed_server: RunningServer, server_b: RunningServer) -> None:
    configure(fed_server.datadir, server_url=fed_server.base_url)
    try:
        a_actor = f"{fed_server.base_url}/federation/user/streamer"
        b_actor = f"{server_b.base_url}/federation/user/streamer"
        async with httpx.AsyncClient() as client:
            with trio.fail_after(30):
                b_doc = (await client.get(b_actor, headers={"Accept": "application/activity+json"})).json()
        pem = query(server_b.datadir, "SELECT value FROM datastore WHERE key = 'private_key'")[0][0]
        b_key = serialization.load_pem_private_key(json.loads(pem).encode(), None)
        assert isinstance(b_key, rsa.RSAPrivateKey)
        follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{b_actor}#follow-{uuid.uuid4()}",
                  "type": "Follow", "actor": b_actor, "object": a_actor}
        signer = Peer()
        with trio.fail_after(30):
            response = await signer.send(a_actor + "/inbox", follow, key=b_key, key_id=b_doc["publicKey"]["id"])
            assert response.status_code == 202, response.text
            await wait_until(lambda: query(fed_server.datadir, "SELECT 1 FROM ap_followers WHERE iri = ?", b_actor))
            # A's Accept reached B's inbox and passed B's verification (B queued it).
            await wait_until(lambda: query(server_b.datadir, "SELECT 1 FROM ap_inbox_queue WHERE body LIKE ?",
                                           '%"type": "Accept"%'), timeout=15)
            async with httpx.AsyncClient(auth=("admin", "abc123")) as client:
                sent = await client.post(fed_server.base_url + "/api/admin/federation/send",
                                         json={"value": "from A to B"})
                assert sent.json()["success"] is True
            rows = await wait_until(lambda: query(server_b.datadir, "SELECT body FROM ap_inbox_queue WHERE body "
                                                  "LIKE '%from A to B%'"), timeout=15)
        create = json.loads(rows[0][0])
        assert create["type"] == "Create" and create["actor"] == a_actor
    finally:
        configure(fed_server.datadir, server_url="https://stream.example")
