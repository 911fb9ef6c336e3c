"""Webhook delivery against a real receiver: signed, retried on 5xx, in order, exactly once."""

from __future__ import annotations

import time
from pathlib import Path

import trio

from owncast_cli.db import Database
from owncast_cli.repos import deliveries, webhooks
from tests.notify.conftest import receiver, running_notify, set_config, until
from tests.notify.events import chat
from tests.notify.receiver import Received, check_signature


async def test_500_twice_then_200_arrives_in_order_signed_and_once(notify_db: Database, datadir: Path) -> None:
    answered = []

    def answer(request: Received) -> int:
        answered.append(request)
        return 500 if len(answered) <= 2 else 200

    with trio.fail_after(30):
        async with receiver(answer) as got, running_notify(notify_db, datadir) as notify:
            hook_id = await notify.add_webhook(got.url + "/hook", ["CHAT"], secret="topsecret")
            for n in range(3):
                await notify.bus.publish(chat(n))
            await got.wait_for(lambda reqs: sum(r.status == 200 for r in reqs) == 3)
            await until(notify_db, lambda db: not deliveries.pending_counts(db))

    ids = [r.json()["eventData"]["id"] for r in got.requests]
    assert ids == ["m0", "m0", "m0", "m1", "m2"]
    assert [r.status for r in got.requests] == [500, 500, 200, 200, 200]
    for request in got.requests:
        assert request.method == "POST" and request.path == "/hook"
        assert request.headers["content-type"] == "application/json"
        assert check_signature("topsecret", request.body, request.headers["owncast-signature"], now=time.time())
        assert not check_signature("other", request.body, request.headers["owncast-signature"], now=time.time())
    # The retries waited: about 1 s, then about 2 s (exponential, with jitter of at most half).
    gaps = [b.at - a.at for a, b in zip(got.requests, got.requests[1:3])]
    assert 0.45 <= gaps[0] <= 1.5 and 0.95 <= gaps[1] <= 2.5, gaps

    hook = webhooks.get(notify_db, hook_id)
    assert hook is not None and hook.last_status == "200" and hook.last_used is not None
    assert deliveries.pending_counts(notify_db) == {}
    assert notify_db.execute("SELECT COUNT(*), SUM(attempts) FROM webhook_deliveries WHERE state = 'delivered'") \
        == [(3, 5)]
    assert deliveries.failures(notify_db) == []


async def test_a_4xx_goes_to_the_dead_letter_list_and_the_next_event_follows(notify_db: Database,
                                                                              datadir: Path) -> None:
    with trio.fail_after(20):
        async with receiver(lambda r: 404 if r.json()["eventData"]["id"] == "m0" else 200) as got, \
                running_notify(notify_db, datadir) as notify:
            await notify.add_webhook(got.url, ["CHAT"])
            await notify.bus.publish(chat(0))
            await notify.bus.publish(chat(1))
            await got.wait_for(lambda reqs: any(r.status == 200 for r in reqs))
            await until(notify_db, lambda db: not deliveries.pending_counts(db))
    assert [(r.json()["eventData"]["id"], r.status) for r in got.requests] == [("m0", 404), ("m1", 200)]
    (failed,) = deliveries.failures(notify_db)
    assert (failed.event_type, failed.last_status, failed.attempts) == ("CHAT", "404", 1)


async def test_a_webhook_failing_for_the_whole_window_is_paused_with_a_reason(notify_db: Database,
                                                                             datadir: Path) -> None:
    set_config(notify_db, webhook_retry_seconds=60)
    # The retry window is measured from the first failure: pretend it began 59 s ago.
    with trio.fail_after(20):
        async with receiver(lambda r: 503) as got, running_notify(notify_db, datadir, start=False) as notify:
            hook_id = await notify.add_webhook(got.url, ["CHAT"])
            await notify.bus.publish(chat(0))
            event_id = notify_db.execute("SELECT MAX(id) FROM events")[0][0]
            notify_db.write(lambda: deliveries.enqueue(notify_db, [(hook_id, event_id, "CHAT", "{}")], time.time()))
            notify_db.write(lambda: notify_db.execute(
                "UPDATE webhook_deliveries SET failing_since = ?, attempts = 6", (time.time() - 59,)))
            from owncast_cli.notify.daemon import serve

            await notify.nursery.start(serve, notify.ctx)
            await got.wait_for(lambda reqs: len(reqs) == 1)
            hook = await until(notify_db, lambda db: (h := webhooks.get(db, hook_id)) and h.paused_at and h)
    assert hook is not None and hook.paused_reason is not None
    assert hook.paused_reason.startswith("failing since ") and hook.paused_reason.endswith(": 503")
    assert [row.last_status for row in deliveries.failures(notify_db)] == ["503"]


async def test_an_address_the_guard_refuses_is_a_permanent_failure(notify_db: Database, datadir: Path) -> None:
    set_config(notify_db, outbound_allowed_hosts=[])
    with trio.fail_after(20):
        async with receiver() as got, running_notify(notify_db, datadir) as notify:
            await notify.add_webhook(got.url, ["CHAT"])
            await notify.bus.publish(chat(0))
            (failed,) = await until(notify_db, lambda db: deliveries.failures(db))
            # The allowlist is read live: the next event goes through once 127.0.0.1 is listed.
            await notify.set_config(outbound_allowed_hosts=["127.0.0.1"])
            await notify.bus.publish(chat(1))
            await got.wait_for(lambda reqs: len(reqs) == 1)
    assert failed.attempts == 1 and failed.last_status is not None
    assert failed.last_status.startswith("refused to connect to 127.0.0.1 (127.0.0.1): a loopback address")
    assert [r.json()["eventData"]["id"] for r in got.requests] == ["m1"]


async def test_a_fediverse_follow_becomes_the_follow_webhook(notify_db: Database, datadir: Path) -> None:
    from owncast_cli.bus.catalog import FediverseEngagement

    def engagement(kind: str) -> FediverseEngagement:
        return FediverseEngagement(kind=kind, actor_iri="https://m.example/users/ann", name="Ann",
                                   username="ann@m.example", image="https://m.example/ann.png",
                                   link="https://m.example/@ann", body="Ann followed this stream.",
                                   time="2026-12-08T01:00:00Z")

    with trio.fail_after(20):
        async with receiver() as got, running_notify(notify_db, datadir) as notify:
            await notify.add_webhook(got.url, ["FEDIVERSE_ENGAGEMENT_FOLLOW", "CHAT"])
            await notify.bus.publish(engagement("like"))
            await notify.bus.publish(engagement("follow"))
            await notify.bus.publish(chat(0))  # sent after the follow: nothing came in between
            await got.wait_for(lambda reqs: len(reqs) == 2)
    follow = got.requests[0].json()
    assert follow["type"] == "FEDIVERSE_ENGAGEMENT_FOLLOW"
    assert {k: v for k, v in follow["eventData"].items() if k != "id"} == {
        "timestamp": "2026-12-08T01:00:00Z", "name": "Ann", "username": "ann@m.example",
        "image": "https://m.example/ann.png"}
    assert got.requests[1].json()["type"] == "CHAT"
