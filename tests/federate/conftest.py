"""Fixtures for the federate tests: a run-all with federation on, and the remote peer."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import trio

from tests.conftest import RunningServer, fresh_datadir, owncast, serving, start_run_all
from tests.federate.peer import Peer

SERVER_URL = "https://stream.example"


def configure(datadir: Path, **values: Any) -> None:
    for key, value in values.items():
        text = value if isinstance(value, str) else json.dumps(value)
        owncast("config", "set", "--", key, text, datadir=datadir, check=True)


@pytest.fixture(scope="module")
def fed_server() -> Iterator[RunningServer]:
    """One run-all with federation enabled, allowed to reach loopback peers."""
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    configure(datadir, federation_enabled=True, server_url=SERVER_URL, outbound_allowed_hosts=["127.0.0.1"])
    with serving(start_run_all(datadir)) as running:
        yield running


@pytest.fixture
async def peer(fed_server: RunningServer) -> AsyncIterator[Peer]:
    remote = Peer(our_actor_url=f"{fed_server.base_url}/federation/user/streamer")
    async with trio.open_nursery() as nursery:
        await nursery.start(remote.run)
        yield remote
        nursery.cancel_scope.cancel()


def inbox_url(server: RunningServer) -> str:
    return f"{server.base_url}/federation/user/streamer/inbox"


def query(datadir: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(datadir / "owncast.db")
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


async def wait_until(check: Any, timeout: float = 10, what: str = "") -> Any:
    """Poll ``check()`` (sync, cheap) until truthy; the daemon runs in another process."""
    with trio.fail_after(timeout):
        while True:
            result = check()
            if result:
                return result
            await trio.sleep(0.05)


def engagement_events(datadir: Path) -> list[dict[str, Any]]:
    return [json.loads(row[0]) for row in query(datadir, "SELECT data FROM events WHERE type = 'fediverse.engagement' "
                                                          "ORDER BY id")]


def now() -> float:
    return time.time()
