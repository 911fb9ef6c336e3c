"""The go-live post (Owncast's delay after the start and de-duplication window, its content), the
stream-ended post, and profile updates: in-process, with Owncast's 2 and 10 minutes scaled down to
0.4 and 2 seconds (MockClock cannot be used: the posts are written by database threads)."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import trio
from cryptography.hazmat.primitives.asymmetric import rsa

from owncast_cli.bus.catalog import ConfigChanged, ScheduleReminder, StreamStarted, StreamStopped
from owncast_cli.bus.events import Event
from owncast_cli.config import ConfigStore
from owncast_cli.daemons.context import Context
from owncast_cli.db import open_database
from owncast_cli.federate.daemon import Federate
from owncast_cli.federate.service import FederateService
from owncast_cli.protocols.activitypub.actor import AS_PUBLIC
from owncast_cli.repos import ap_followers, ap_queues
from owncast_cli.settings import Settings
from tests.federate.peer import public_pem

DELAY, DEDUP = 0.4, 2.0


@pytest.fixture
async def fed(tmp_path: Path, template_db: Path) -> AsyncIterator[Federate]:
    shutil.copy(template_db, tmp_path / "owncast.db")
    db = open_database(tmp_path / "owncast.db")
    key = rsa.generate_private_key(65537, 2048)
    store = ConfigStore(db)
    db.write(lambda: store.apply(store.plan({
        "federation_enabled": True, "server_url": "https://stream.example", "public_key": public_pem(key),
        "stream_title": "Fixing <bikes>", "server_metadata_tags": ["music", "bikes"], "nsfw": True,
        "federation_stream_ended_message": "That's all, **thanks**!"})))
    db.write(lambda: ap_followers.upsert_request(
        db, iri="https://m.example/u/a", inbox="https://m.example/u/a/inbox", shared_inbox="https://m.example/inbox",
        name="A", username="a@m.example", image=None, link="", request="", request_object={}, now=0, approved=True))
    ctx = Context(Settings(datadir=tmp_path), db, None, None)  # type: ignore[arg-type]
    service = FederateService(ctx, key)
    federate = Federate(ctx, service)
    federate.reactions.go_live_delay, federate.reactions.go_live_dedup = DELAY, DEDUP
    federate.reactions.profile_settle = 0.2
    async with trio.open_nursery() as nursery:
        federate.reactions.nursery = nursery
        nursery.start_soon(federate.reactions._profile_updates)
        yield federate
        nursery.cancel_scope.cancel()
    await service.aclose()
    db.close()


def event(body: Any, ts: float) -> Event:
    return Event(1, body.TYPE, "test", ts, {})


def started(stream_id: str) -> StreamStarted:
    return StreamStarted(stream_id, True, True, "127.0.0.1", "2027-01-15T08:00:00Z", {})


def queued(fed: Federate) -> list[dict[str, Any]]:
    rows = ap_queues.Delivery.select().order_by(ap_queues.Delivery.id).bind(fed.service.db.peewee)
    return [json.loads(r.body) for r in rows]


async def handle(fed: Federate, body: Any) -> None:
    """Handle a bus event and run what it started (the go-live wait) to completion."""
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            fed.reactions.nursery = nursery
            await fed.reactions.handle(event(body, fed.service.clock()), body)


async def test_go_live_two_minutes_after_the_start_once_per_ten_minutes(fed: Federate) -> None:
    t0 = trio.current_time()
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            fed.reactions.nursery = nursery
            await fed.reactions.handle(event(started("s1"), fed.service.clock()), started("s1"))
            await trio.sleep(DELAY / 2)
            assert queued(fed) == []
    assert trio.current_time() - t0 >= DELAY
    (create,) = queued(fed)
    note = create["object"]
    assert create["type"] == "Create" and note["to"] == [AS_PUBLIC] and note["sensitive"] is True
    assert note["content"] == (
        "<p>I&#x27;ve gone live!</p><p>Fixing &lt;bikes&gt;</p>"
        '<p><a class="hashtag" href="https://owncast.directory/tags/music">#music</a> '
        '<a class="hashtag" href="https://owncast.directory/tags/bikes">#bikes</a> '
        '<a class="hashtag" href="https://owncast.directory/tags/owncast">#owncast</a></p>'
        '<p><a href="https://stream.example">https://stream.example</a></p>')
    assert [t["name"] for t in note["tag"]] == ["#music", "#bikes", "#owncast"]
    assert note["attachment"][0]["url"].startswith("https://stream.example/thumbnail.jpg?us=")

    # The stream ends: the optional stream-ended post goes out.
    await handle(fed, StreamStopped("s1", "done"))
    assert "<strong>thanks</strong>" in queued(fed)[-1]["object"]["content"]

    # A restart soon after: no second go-live post within the de-duplication window.
    await handle(fed, started("s2"))
    assert len(queued(fed)) == 2
    # Once the window has passed, a new stream posts again.
    await handle(fed, StreamStopped("s2", ""))
    await trio.sleep(DEDUP - DELAY)
    await handle(fed, started("s3"))
    assert len(queued(fed)) == 3 and queued(fed)[-1]["object"]["content"].startswith("<p>I&#x27;ve gone live!")


async def test_no_go_live_post_when_the_stream_ended_first(fed: Federate) -> None:
    async with trio.open_nursery() as nursery:
        fed.reactions.nursery = nursery
        await fed.reactions.handle(event(started("s1"), fed.service.clock()), started("s1"))
        await trio.sleep(DELAY / 4)
        await fed.reactions.handle(event(StreamStopped("s1", ""), fed.service.clock()), StreamStopped("s1", ""))
    assert queued(fed) == []  # and no stream-ended post: the stream was never announced


async def test_profile_changes_send_one_update(fed: Federate) -> None:
    for key in ("server_name", "server_summary"):
        change = ConfigChanged(key, "x", False)
        await fed.reactions.handle(event(change, fed.service.clock()), change)
    await trio.sleep(0.5)
    (update,) = queued(fed)
    assert update["type"] == "Update" and update["object"]["type"] == "Service"
    assert update["object"]["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY")


async def test_schedule_reminders_are_posted(fed: Federate) -> None:
    await handle(fed, ScheduleReminder("e1", "Bike night", "2027-01-15T20:00:00Z", "Bike night in one hour! #bikes"))
    (create,) = queued(fed)
    assert "Bike night in one hour!" in create["object"]["content"]
    assert create["object"]["tag"][0]["name"] == "#bikes"


async def test_a_restart_before_the_post_is_due_still_sends_it(fed: Federate) -> None:
    from owncast_cli.federate.reactions import Reactions

    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:  # the daemon stops before the post is due
            fed.reactions.nursery = nursery
            await fed.reactions.handle(event(started("s1"), fed.service.clock()), started("s1"))
            nursery.cancel_scope.cancel()
        assert queued(fed) == []
        restarted = Reactions(fed)
        restarted.go_live_delay, restarted.go_live_dedup = DELAY, DEDUP
        async with trio.open_nursery() as nursery:
            restarted.nursery = nursery
            await restarted.resume()
    assert len(queued(fed)) == 1
    async with trio.open_nursery() as nursery:  # sent: a second restart sends nothing
        restarted.nursery = nursery
        await restarted.resume()
    assert len(queued(fed)) == 1
