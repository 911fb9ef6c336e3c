"""Go-live notifications: 2 min after the start, once per stream, 10 min de-duplication, cancelled
by a stop; Discord's payload and an apprise json:// URL, each with its own message."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import trio

from owncast_cli.bus.catalog import ScheduleReminder, StreamStarted, StreamStopped
from owncast_cli.db import Database
from owncast_cli.repos import notices
from tests.conftest import OWNCAST, ROOT
from tests.notify.conftest import receiver, running_notify, set_config, until
from tests.notify.receiver import Receiver


def started(stream_id: str) -> StreamStarted:
    return StreamStarted(stream_id=stream_id, has_video=True, has_audio=True, remote_addr="127.0.0.1",
                         time="2026-12-08T01:00:00.000000Z", stream_details={})


def channels(db: Database, got: Receiver) -> None:
    set_config(db, server_name="Otter TV", server_url="https://live.example", stream_title="Building a boat",
               discord_configuration={"enabled": True, "webhook": got.url + "/discord", "goLiveMessage": "We're live!"},
               notifications_apprise_urls=[{"url": f"json://127.0.0.1:{got.port}/apprise",
                                            "goLiveMessage": "{name} is on: {title} ({url})"}])


def state_of(db: Database, key: str) -> str | None:
    rows = db.execute("SELECT state FROM notify_notices WHERE key = ?", (key,))
    return rows[0][0] if rows else None


async def test_go_live_two_minutes_after_the_start_once_then_deduplicated(notify_db: Database,
                                                                          datadir: Path) -> None:
    # The bus stamps the start 119 s in the past: the notifications are due a second from now.
    async with receiver() as got:
        channels(notify_db, got)
        with trio.fail_after(30):
            async with running_notify(notify_db, datadir, bus_clock=lambda: time.time() - 119) as notify:
                began = time.time()
                await notify.bus.publish(started("s1"))
                await got.wait_for(lambda reqs: len(reqs) == 2)
                assert time.time() - began >= 0.5  # not before it was due
                await until(notify_db, lambda db: state_of(db, "live:s1") == notices.SENT)
                # Another stream 2 min later is within Owncast's 10 min window: skipped, not sent.
                await notify.bus.publish(started("s2"))
                await until(notify_db, lambda db: state_of(db, "live:s2") == notices.SKIPPED)
                # The same stream's start seen again (a replayed event) is one notice, not two.
                await notify.bus.publish(started("s1"))
                await notify.bus.publish(StreamStopped("s1", "done"))
    by_path = {r.path: r for r in got.requests}
    assert sorted(by_path) == ["/apprise", "/discord"] and len(got.requests) == 2
    discord = by_path["/discord"].json()
    assert list(discord) == ["username", "content", "avatar_url"]
    assert discord == {"username": "Otter TV", "content": "We're live!\nBuilding a boat\n\nhttps://live.example",
                       "avatar_url": "https://live.example/logo"}
    apprise = by_path["/apprise"].json()
    assert (apprise["title"], apprise["message"]) == (
        "Otter TV", "Otter TV is on: Building a boat (https://live.example)")
    ((outcomes,),) = notify_db.execute("SELECT outcomes FROM notify_notices WHERE key = 'live:s1'")
    assert json.loads(outcomes) == {"discord": 200, "apprise:0": "sent"}


async def test_a_stop_before_it_is_due_cancels_it(notify_db: Database, datadir: Path) -> None:
    async with receiver() as got:
        channels(notify_db, got)
        with trio.fail_after(20):
            async with running_notify(notify_db, datadir) as notify:
                await notify.bus.publish(started("s1"))
                await until(notify_db, lambda db: state_of(db, "live:s1") == notices.PENDING)
                await notify.bus.publish(StreamStopped("s1", "publisher left"))
                await until(notify_db, lambda db: state_of(db, "live:s1") == notices.CANCELLED)
    assert got.requests == []


async def test_an_interrupted_notice_resumes_with_the_channels_not_yet_done(notify_db: Database,
                                                                            datadir: Path) -> None:
    async with receiver() as got:
        channels(notify_db, got)
        notify_db.write(lambda: notices.queue(notify_db, "live:s9", notices.GO_LIVE, "t", time.time() - 1))
        notify_db.write(lambda: notices.record_outcome(notify_db, "live:s9", "discord", 204))
        with trio.fail_after(20):
            async with running_notify(notify_db, datadir):
                await until(notify_db, lambda db: state_of(db, "live:s9") == notices.SENT)
    assert [r.path for r in got.requests] == ["/apprise"]


async def test_schedule_reminders_go_through_the_same_channels(notify_db: Database, datadir: Path) -> None:
    async with receiver() as got:
        channels(notify_db, got)
        with trio.fail_after(20):
            async with running_notify(notify_db, datadir) as notify:
                await notify.bus.publish(ScheduleReminder(event_id="e1", name="Boat day",
                                                          starts_at="2026-12-09T18:00:00Z",
                                                          message="Boat day starts in 1 hour"))
                await got.wait_for(lambda reqs: len(reqs) == 2)
    by_path = {r.path: r.json() for r in got.requests}
    assert by_path["/discord"]["content"] == "Boat day starts in 1 hour\n\nhttps://live.example"
    assert by_path["/apprise"]["message"] == "Boat day starts in 1 hour\nhttps://live.example"


async def test_notify_test_reports_each_channel(migrated: Path) -> None:
    async with receiver(lambda r: 204 if r.path == "/discord" else 200) as got:
        env = {**os.environ, "OWNCAST_DATADIR": str(migrated)}

        async def cli(*args: str) -> trio.CompletedProcess[bytes]:
            with trio.fail_after(30):
                return await trio.run_process([*OWNCAST, *args], cwd=ROOT, env=env, check=False,
                                              capture_stdout=True, capture_stderr=True)

        none = await cli("notify", "test")
        assert none.returncode == 1 and b"no notification channel is configured" in none.stderr
        bad = await cli("config", "set", "notifications_apprise_urls", '[{"url": "not a url"}]')
        assert bad.returncode == 2 and b"apprise URL" in bad.stderr
        for key, value in (("server_name", "Otter TV"),
                           ("discord_configuration", {"enabled": True, "webhook": got.url + "/discord"}),
                           ("notifications_apprise_urls", [{"url": f"json://127.0.0.1:{got.port}/apprise"}])):
            assert (await cli("config", "set", key, json.dumps(value) if not isinstance(value, str) else value)) \
                .returncode == 0
        # The SSRF guard stands in front of both, apprise included, until 127.0.0.1 is allowed.
        refused = await cli("notify", "test", "--json")
        assert refused.returncode == 1 and not got.requests
        assert all(v.startswith("OutboundRefused: refused to connect to 127.0.0.1")
                   for v in json.loads(refused.stdout).values())
        assert (await cli("config", "set", "outbound_allowed_hosts", '["127.0.0.1"]')).returncode == 0
        done = await cli("notify", "test", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"discord": 204, "apprise:0": "sent"}
    assert {r.path: r.json().get("content", r.json().get("message")) for r in got.requests} == {
        "/discord": "This is a test notification from Otter TV.\n\n",
        "/apprise": "This is a test notification from Otter TV."}
