"""The delivery queue under a simulated clock: a follower's server down for an hour gets the post
when it is back, exactly once; backoff, the 48 h limit, the circuit breaker, HTTPS only."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trio
from cryptography.hazmat.primitives.asymmetric import rsa

from owncast_cli.config import ConfigStore
from owncast_cli.daemons.context import Context
from owncast_cli.db import open_database
from owncast_cli.federate import delivery
from owncast_cli.federate.delivery import Deliverer
from owncast_cli.federate.outbox import Outbox
from owncast_cli.federate.service import FederateService
from owncast_cli.repos import ap_followers, ap_queues
from owncast_cli.settings import Settings
from tests.federate.peer import Peer, public_pem

EPOCH = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = EPOCH

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def parts(tmp_path: Path, template_db: Path) -> AsyncIterator[tuple[FederateService, Deliverer, Clock, Peer]]:
    shutil.copy(template_db, tmp_path / "owncast.db")
    db = open_database(tmp_path / "owncast.db")
    key = rsa.generate_private_key(65537, 2048)
    store = ConfigStore(db)
    db.write(lambda: store.apply(store.plan({
        "federation_enabled": True, "server_url": "https://stream.example", "outbound_allowed_hosts": ["127.0.0.1"],
        "public_key": public_pem(key)})))
    ctx = Context(Settings(datadir=tmp_path), db, None, None)  # type: ignore[arg-type]
    clock = Clock()
    service = FederateService(ctx, key, clock=clock)
    await service.config()
    deliverer = Deliverer(service, Outbox(service))
    peer = Peer(our_actor_url="unused")
    peer._our_key = public_pem(key)  # the peer checks our signatures with our key
    async with trio.open_nursery() as nursery:
        await nursery.start(peer.run)
        yield service, deliverer, clock, peer
        nursery.cancel_scope.cancel()
    await service.aclose()
    db.close()


def add_follower(service: FederateService, inbox: str, iri: str) -> None:
    db = service.db
    db.write(lambda: ap_followers.upsert_request(db, iri=iri, inbox=inbox, shared_inbox=None, name="x", username="x",
                                                 image=None, link=iri, request="", request_object={},
                                                 now=EPOCH, approved=True))


async def post(deliverer: Deliverer, html: str = "<p>live</p>") -> dict[str, Any]:
    c = await deliverer.service.config()
    return await deliverer.outbox.post_note(deliverer.service.profile(c), html)


def row(service: FederateService) -> ap_queues.Delivery:
    return ap_queues.Delivery.select().bind(service.db.peewee).get()


async def test_a_server_down_for_an_hour_gets_the_post_once_when_back(parts: Any) -> None:
    service, deliverer, clock, peer = parts
    add_follower(service, f"{peer.base}/users/alice/inbox", peer.actor_iri())
    with trio.fail_after(60):
        create = await post(deliverer)
        peer.status = 503
        attempts = []
        while clock.now < EPOCH + 3600:  # an hour of the server answering 503, one minute at a time
            if await deliverer.run_due(clock.now):
                attempts.append(clock.now - EPOCH)
            clock.now += 60
        assert not peer.received
        # backoff: 30 s doubling (seen on a one-minute grid), at most an hour apart
        assert attempts[:4] == [0, 60, 120, 180 + 60] and len(attempts) < 12
        assert row(service).attempts == len(attempts)
        peer.status = 202
        while not peer.received:
            await deliverer.run_due(clock.now)
            clock.now += 60
        (got,) = peer.received
        assert got.verified and got.body["id"] == create["id"]
        for _ in range(5):  # nothing is sent twice after a 2xx
            clock.now += 3600
            assert await deliverer.run_due(clock.now) == 0
        assert len(peer.received) == 1
        assert ap_queues.delivery_counts(service.db) == {"pending": 0, "delivered": 1, "failed": 0}


async def test_backoff_gives_up_after_48_hours(parts: Any) -> None:
    service, deliverer, clock, peer = parts
    add_follower(service, f"{peer.base}/users/alice/inbox", peer.actor_iri())
    peer.status = 500
    with trio.fail_after(60):
        await post(deliverer)
        while ap_queues.delivery_counts(service.db)["pending"]:
            await deliverer.run_due(clock.now)
            clock.now += 600
        assert EPOCH + delivery.GIVE_UP_AFTER <= clock.now <= EPOCH + delivery.GIVE_UP_AFTER + 3600 + 600
        assert ap_queues.delivery_counts(service.db)["failed"] == 1
        assert "answered 500" in row(service).last_error


async def test_a_refusal_is_permanent_and_plain_http_elsewhere_is_never_sent(parts: Any) -> None:
    service, deliverer, clock, peer = parts
    add_follower(service, f"{peer.base}/users/alice/inbox", peer.actor_iri())
    add_follower(service, "http://example.com/inbox", "https://example.com/u")
    peer.status = 403
    with trio.fail_after(30):
        await post(deliverer)
        assert await deliverer.run_due(clock.now) == 2
        errors = sorted(r.last_error for r in ap_queues.Delivery.select().bind(service.db.peewee))
        assert errors == [f"{peer.base}/users/alice/inbox refused it with 403",
                          "http://example.com/inbox is not an https URL"]
        assert ap_queues.delivery_counts(service.db)["failed"] == 2


async def test_the_breaker_holds_a_dead_domain_without_counting_attempts(parts: Any) -> None:
    service, deliverer, clock, peer = parts
    for n in range(delivery.BREAKER_THRESHOLD + 3):
        add_follower(service, f"{peer.base}/i/{n}", f"{peer.base}/users/u{n}")
    peer.status = 503
    with trio.fail_after(30):
        await post(deliverer)
        await deliverer.run_due(clock.now)
        open_until = ap_queues.breaker_open_until(service.db, "127.0.0.1")
        assert open_until == clock.now + delivery.BREAKER_OPEN
        clock.now += 120  # every retry is due, but the breaker is open: none is attempted
        peer.status = 202
        await deliverer.run_due(clock.now)
        assert not peer.received
        rows = list(ap_queues.Delivery.select().bind(service.db.peewee))
        assert {r.attempts for r in rows} == {1} and {r.next_at for r in rows} == {open_until}
        clock.now = open_until
        await deliverer.run_due(clock.now)
        assert len(peer.received) == delivery.BREAKER_THRESHOLD + 3
        assert ap_queues.breaker_open_until(service.db, "127.0.0.1") == 0.0


async def test_finished_rows_are_pruned_after_a_week(parts: Any) -> None:
    service, deliverer, clock, peer = parts
    add_follower(service, f"{peer.base}/users/alice/inbox", peer.actor_iri())
    with trio.fail_after(30):
        await post(deliverer)
        await deliverer.run_due(clock.now)
        peer.status = 503
        await post(deliverer)  # this one stays pending
        await deliverer.run_due(clock.now)
    db = service.db
    assert db.write(lambda: ap_queues.prune(db, clock.now - 7 * 86400)) == 0
    assert db.write(lambda: ap_queues.prune(db, clock.now + 1)) == 1
    assert ap_queues.delivery_counts(db) == {"pending": 1, "delivered": 0, "failed": 0}
