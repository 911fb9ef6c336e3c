"""The chat outbox on a real database and bus: commit first, then one frame per commit; no commit, no frame."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trio

from owncast_cli.bus import open_bus
from owncast_cli.bus.catalog import ChatSystem, ChatUserUpdated
from owncast_cli.chat.events import system_event
from owncast_cli.chat.hub import Hub
from owncast_cli.chat.outbox import Outbox
from owncast_cli.db import open_database
from owncast_cli.repos.chat_messages import StoredMessage
from owncast_cli.websocket import encode_text_frame


class StoredCheckingSocket:
    """A direct connection that notes, for each frame, which messages were committed at that moment."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.frames: list[tuple[bytes, set[str]]] = []
        self.arrived = trio.Event()

    def send_frame_nowait(self, frame: bytes) -> bool:
        with sqlite3.connect(self.db_path) as conn:  # another connection: sees only what is committed
            stored = {row[0] for row in conn.execute("SELECT id FROM messages")}
        self.frames.append((frame, stored))
        self.arrived.set()
        return True


@pytest.fixture
async def outbox(tmp_path: Path) -> AsyncIterator[tuple[Outbox, StoredCheckingSocket]]:
    db = open_database(tmp_path / "owncast.db", migrate=True)
    (tmp_path / "run").mkdir()
    hub = Hub()
    sock = StoredCheckingSocket(tmp_path / "owncast.db")
    hub.add("u1", ip="192.0.2.1", user_agent="t", now=0, direct=sock)
    async with open_bus(db, tmp_path / "run", "chat") as bus, trio.open_nursery() as nursery:
        box = Outbox(db, bus, hub)
        nursery.start_soon(box.run)
        yield box, sock
        box.close()
    db.close()


def system(ident: str) -> ChatSystem:
    return ChatSystem.from_data(system_event("hi", "Owncast", now=1.0, new_id=lambda: ident))


def message(ident: str, body: str | None = "hi") -> StoredMessage:
    return StoredMessage(ident, None, body, "SYSTEM", 1.0)  # type: ignore[arg-type]


async def test_what_is_recorded_together_is_committed_then_broadcast_as_one_frame(
        outbox: tuple[Outbox, StoredCheckingSocket]) -> None:
    box, sock = outbox
    with trio.fail_after(10):
        box.record(system("m1"), message("m1"), '{"id":"m1"}')
        box.record(ChatUserUpdated("u1"))  # recorded on the bus, not shown
        box.record(system("m2"), message("m2"), '{"id":"m2"}')
        await box.flush()
    assert sock.frames == [(encode_text_frame('{"id":"m1"}\n{"id":"m2"}'), {"m1", "m2"})]


async def test_a_commit_that_fails_broadcasts_nothing(outbox: tuple[Outbox, StoredCheckingSocket]) -> None:
    box, sock = outbox
    with trio.fail_after(10):
        box.record(system("bad"), message("bad", body=None), '{"id":"bad"}')  # NOT NULL body
        await box.flush()
        assert sock.frames == []
        box.record(system("good"), message("good"), '{"id":"good"}')
        await box.flush()
    assert sock.frames == [(encode_text_frame('{"id":"good"}'), {"good"})]
