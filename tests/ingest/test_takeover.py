"""Takeover grace, set-up and no-media timeouts on trio's MockClock: exact times, no sleeping.

The ingest runs in-process on a real database, bus and config; publishers talk to it over
in-memory streams. They send media that cannot be decoded yet (no sequence headers), so no
stream is announced: announcing writes the database in a worker thread, during which the mock
clock would jump. The announced path is covered with real sockets in test_ingest_e2e.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
import trio.testing

from owncast_cli.bus import open_bus
from owncast_cli.daemons.context import Context
from owncast_cli.db import open_database
from owncast_cli.ingest import publisher as publisher_module
from owncast_cli.ingest.daemon import Ingest
from owncast_cli.plugins.host import load_plugins
from owncast_cli.protocols.rtmp import RTMPPublishClient
from owncast_cli.settings import Settings
from tests.conftest import owncast
from tests.ingest.live import LivePublisher

INTER_FRAME = b"\x27\x01\x00\x00\x00" + b"P" * 100  # an H.264 P-frame: no decoder config yet


@pytest.fixture
def datadir_with_grace(migrated: Path) -> Path:
    owncast("config", "set", "stream_takeover_grace_seconds", "1", datadir=migrated, check=True)
    return migrated


@asynccontextmanager
async def running_ingest(datadir: Path) -> AsyncIterator[tuple[Ingest, trio.Nursery]]:
    settings = Settings(datadir=datadir)
    db = open_database(settings.db_path)
    try:
        async with open_bus(db, settings.run_dir, "test") as bus:
            ctx = Context(settings, db, bus, load_plugins(None, entry_points=False))
            async with trio.open_nursery() as nursery:
                ingest = Ingest(ctx, nursery)
                await ingest.load_settings()  # a database read: before any deadline exists
                yield ingest, nursery
                nursery.cancel_scope.cancel()
    finally:
        db.close()


async def connect(ingest: Ingest, nursery: trio.Nursery, name: str) -> LivePublisher:
    ours, theirs = trio.testing.memory_stream_pair()
    nursery.start_soon(ingest.serve_connection, theirs, name)
    live = LivePublisher(ours, RTMPPublishClient("live", "abc123"))
    await live.negotiate()
    return live


async def closed_at(stream: trio.abc.Stream) -> float:
    """Read until the server closes; return the (virtual) time it did."""
    while await stream.receive_some(65536):
        pass
    return trio.current_time()


async def test_takeover_exactly_after_the_grace_of_silence(datadir_with_grace: Path, autojump_clock) -> None:
    async with running_ingest(datadir_with_grace) as (ingest, nursery):
        assert ingest.grace == 1.0
        with trio.fail_after(60):
            first = await connect(ingest, nursery, "first")
            assert first.client.publishing
            live = ingest.current
            assert live is not None and live.remote == "first"
            for ts in range(0, 500, 100):  # media every 100 ms, then a dropped network
                await first.send("video", ts, INTER_FRAME)
                await trio.sleep(0.1)
            await first.send("video", 500, INTER_FRAME)
            silent_since = trio.current_time()
            await trio.testing.wait_all_tasks_blocked()
            assert live.last_media == silent_since

            await trio.sleep_until(silent_since + 0.999)
            second = await connect(ingest, nursery, "second")
            assert second.refused and not second.client.publishing
            assert second.client.statuses[-1]["description"].startswith(
                "another broadcaster (first) is live and sent media 1.0s ago")
            assert ingest.current is live

            await trio.sleep_until(silent_since + 1.0)
            third = await connect(ingest, nursery, "third")
            assert third.client.publishing and not third.refused
            assert await closed_at(first.stream) == silent_since + 1.0  # ended at that instant
            assert live.finished.is_set() and live.end_reason == "replaced by a new publisher"
            assert ingest.current is not None and ingest.current.remote == "third"
            for conn in (first, second, third):
                await conn.aclose()


async def test_set_up_and_no_media_timeouts(migrated: Path, autojump_clock) -> None:
    async with running_ingest(migrated) as (ingest, nursery):
        with trio.fail_after(60):
            # Connected but never publishing: closed after exactly the set-up timeout.
            ours, theirs = trio.testing.memory_stream_pair()
            start = trio.current_time()
            nursery.start_soon(ingest.serve_connection, theirs, "idle")
            await ours.send_all(b"\x03" + bytes(1536))
            assert await closed_at(ours) - start == publisher_module.SETUP_TIMEOUT == 10.0

            # Publishing, then silent: closed after stream_timeout_seconds of no media (the
            # deadline moves at most every DEADLINE_STEP, so up to that much earlier).
            live = await connect(ingest, nursery, "silent")
            publisher = ingest.current
            assert publisher is not None
            for ts in range(0, 2000, 40):
                await live.send("video", ts, INTER_FRAME)
                await trio.sleep(0.04)
            last = trio.current_time() - 0.04
            ended = await closed_at(live.stream) - last
            timeout = ingest.stream_timeout
            assert timeout == 10.0
            assert timeout - publisher_module.DEADLINE_STEP <= ended <= timeout
            assert publisher.end_reason == "timeout" and ingest.current is None
