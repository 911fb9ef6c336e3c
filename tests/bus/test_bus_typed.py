"""The typed bus API in one process: decoded subscriptions, the latest event, injected clocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import trio
import trio.testing

from owncast_cli.bus import log, open_bus
from owncast_cli.bus.bus import POLL_INTERVAL
from owncast_cli.bus.catalog import StreamStarted, StreamStopped
from owncast_cli.db import Database

STARTED = StreamStarted("s1", True, True, "127.0.0.1:1", "2026-12-07T10:00:00Z", {"width": 320})


def _insert_raw(db: Database, rows: list[tuple[str, object]]) -> None:
    """Rows as a damaged log or a newer release could hold them, bypassing the typed API."""
    def work() -> None:
        for type_, data in rows:
            db.execute("INSERT INTO events (type, source, ts, data) VALUES (?, 'test', 0, ?)",
                       (type_, json.dumps(data)))
    db.write(work)


async def test_decoded_skips_unknown_and_malformed_events(bus_db: Database, datadir: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    start = log.last_id(bus_db)
    _insert_raw(bus_db, [("federate.someday", {"x": 1}), ("stream.stopped", {"streamId": "s1"}),
                         ("stream.stopped", "not an object"), ("stream.stopped", {"streamId": "s1", "reason": "ok"})])
    async with open_bus(bus_db, datadir / "run", "test") as bus:
        async with bus.subscribe(since=start, types=[StreamStopped]) as sub:
            with trio.fail_after(5):
                event, body = await sub.decoded().__anext__()
            assert body == StreamStopped("s1", "ok")
            assert event.id == start + 4 and sub.last_seen == start + 4
            await bus.publish(StreamStopped("s2", "after"))
            with trio.fail_after(5):
                _, body = await sub.decoded().__anext__()
            assert body == StreamStopped("s2", "after")
    assert "unknown type 'federate.someday'" not in caplog.text  # filtered out by type, never read
    assert caplog.text.count("skipped malformed bus event") == 2


async def test_publish_refuses_an_untyped_event(bus_db: Database, datadir: Path) -> None:
    async with open_bus(bus_db, datadir / "run", "test") as bus:
        with pytest.raises(TypeError, match="owncast_cli.bus.catalog"):
            await bus.publish(("stream.stopped", {"streamId": "s1", "reason": "x"}))  # type: ignore[arg-type]


async def test_latest_reads_the_newest_of_a_type(bus_db: Database, datadir: Path) -> None:
    async with open_bus(bus_db, datadir / "run", "test") as bus:
        assert await bus.latest(StreamStarted) is None
        await bus.publish(StreamStarted("old", True, True, "x", "t", {}))
        await bus.publish(STARTED)
        await bus.publish(StreamStopped("s1", "bye"))
        assert await bus.latest(StreamStarted) == STARTED
        _insert_raw(bus_db, [("stream.started", {"streamId": "broken"})])
        assert await bus.latest(StreamStarted) is None  # unreadable: as good as none


async def test_idle_subscriber_polls_on_the_injected_clocks(bus_db: Database, datadir: Path,
                                                            autojump_clock: trio.testing.MockClock) -> None:
    """An event whose wake-up datagram was lost arrives by the idle poll: on trio's (mock) clock,
    so no test waits a real second; the event's timestamp comes from the bus's own clock."""
    async with open_bus(bus_db, datadir / "run", "test", clock=lambda: 1_000.5) as bus:
        published = await bus.publish(STARTED)
        assert published.ts == 1_000.5
        async with bus.subscribe(since=published.id) as sub:
            await bus.publish(StreamStopped("s1", "read live"))
            with trio.fail_after(1):  # caught up: the subscriber now waits for datagrams
                assert (await sub.decoded().__anext__())[1] == StreamStopped("s1", "read live")
            began = trio.current_time()
            _insert_raw(bus_db, [("stream.stopped", {"streamId": "s1", "reason": "lost datagram"})])
            with trio.fail_after(POLL_INTERVAL * 3):
                _, body = await sub.decoded().__anext__()
            assert body == StreamStopped("s1", "lost datagram")
            assert trio.current_time() - began >= POLL_INTERVAL
