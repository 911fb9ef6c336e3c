"""SIGKILL the notify daemon in the middle of a burst of 1,000 webhook events: after its restart
every event arrives, in order, and none is sent again once the receiver answered it 2xx."""

from __future__ import annotations

import time

import trio

from owncast_cli.bus import open_bus
from owncast_cli.db import open_database
from tests.faults.conftest import Cluster
from tests.notify.events import chat
from tests.notify.receiver import Received, Receiver, check_signature

EVENTS = 1000
KILL_AT = 400  # the receiver holds this request (unanswered) while notify is killed


async def test_sigkill_notify_mid_burst_loses_nothing_and_repeats_no_2xx(cluster: Cluster) -> None:
    hold, released = trio.Event(), trio.Event()

    async def held(request: Received) -> int:
        hold.set()
        await released.wait()
        return 200

    def answer(request: Received) -> object:
        first_time = request.json()["eventData"]["id"] == f"m{KILL_AT}" and not hold.is_set()
        return held(request) if first_time else 200

    got = Receiver(answer)
    async with trio.open_nursery() as nursery:
        await nursery.start(got.serve)
        await cluster.owncast("config", "set", "outbound_allowed_hosts", '["127.0.0.1"]')
        hook_id, secret = (await cluster.owncast("webhooks", "add", got.url, "--event", "CHAT")).split()
        notify = await cluster.start("notify")
        db = open_database(cluster.datadir / "owncast.db")
        try:
            async with open_bus(db, cluster.datadir / "run", "test") as bus:
                async def burst() -> None:
                    for n in range(0, EVENTS, 50):
                        await bus.publish_many([chat(i) for i in range(n, n + 50)])
                        await trio.sleep(0.01)

                nursery.start_soon(burst)
                with trio.fail_after(60):
                    await hold.wait()
                # Every earlier delivery got its 200 and, per-webhook order, was recorded before
                # this one was sent: a kill now must not make any of them be sent again.
                assert await notify.kill() == -9
                released.set()
                await notify.start()
                ok = lambda reqs: {r.json()["eventData"]["id"] for r in reqs if r.status == 200}  # noqa: E731
                await got.wait_for(lambda reqs: len(ok(reqs)) == EVENTS, timeout=120)
        finally:
            db.close()
        nursery.cancel_scope.cancel()

    answered = [r.json()["eventData"]["id"] for r in got.requests if r.status == 200]
    twice = sorted({i for i in answered if answered.count(i) > 1})
    # The held request's 200 went to a dead connection: it is the only one that may arrive again.
    assert set(twice) <= {f"m{KILL_AT}"}, twice
    firsts = list(dict.fromkeys(answered))
    assert firsts == [f"m{n}" for n in range(EVENTS)], "out of order"
    now = time.time()
    assert all(check_signature(secret, r.body, r.headers["owncast-signature"], now=now) for r in got.requests)
    shown = await cluster.owncast("webhooks", "list", "--json")
    assert f'"id": {hook_id}' in shown and '"pending": 0' in shown and '"lastStatus": "200"' in shown
