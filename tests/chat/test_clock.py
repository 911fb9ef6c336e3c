"""Chat timing under trio's MockClock (parts, flood mutes, established users) and the injected wall clock.

The sessions run in-process on memory sockets with their users cached, so no database thread runs
while virtual time jumps; the outbox here commits nowhere and broadcasts at once (the real one's
order, commit then broadcast, is tested in test_sigkill.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trio
from trio.testing import MockClock

from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.chat import jobs
from owncast_cli.chat.core import ChatCore, Clock
from owncast_cli.chat.events import split_frame
from owncast_cli.chat.hub import Hub
from owncast_cli.chat.ratelimit import FLOOD_MESSAGE, MUTE_SECONDS
from owncast_cli.chat.rules import ESTABLISHED_USER_SECONDS
from owncast_cli.chat.sanitize import render_trusted_markdown
from owncast_cli.chat.sessions import PART_DELAY_SECONDS, WELCOME_DELAY_SECONDS, Sessions
from owncast_cli.config.keys import KEYS
from owncast_cli.daemons.context import Context
from owncast_cli.db import open_database
from owncast_cli.repos import chat_messages
from owncast_cli.repos.chat_messages import StoredMessage
from owncast_cli.repos.users import ChatUser
from owncast_cli.settings import Settings

EPOCH = 1_800_000_000.0


class MemorySocket:
    """The :class:`owncast_cli.chat.sessions.Socket` a session needs, over memory channels."""

    def __init__(self) -> None:
        self._send, self._receive = trio.open_memory_channel[str](10)
        self.events: list[dict[str, Any]] = []
        self.closed: int | None = None
        self._arrived = trio.Event()

    async def receive(self) -> str | None:
        try:
            return await self._receive.receive()
        except trio.EndOfChannel:
            return None

    async def send(self, data: str) -> None:
        self.events.extend(split_frame(data))
        self._arrived.set()
        self._arrived = trio.Event()

    async def close(self, code: int, reason: str = "") -> None:
        self.closed = code

    def client_sends(self, **event: Any) -> None:
        self._send.send_nowait(json.dumps(event))

    def hang_up(self) -> None:
        self._send.close()

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    async def wait_for(self, kind: str, count: int = 1) -> dict[str, Any]:
        while len(self.of(kind)) < count:
            await self._arrived.wait()
        return self.of(kind)[-1]


class CommitsAtOnce:
    """An outbox whose commits are instant: it keeps what was recorded and broadcasts it."""

    def __init__(self, hub: Hub) -> None:
        self.hub, self.recorded = hub, []

    def record(self, event: BusEvent, message: StoredMessage | None = None, frame: str | None = None) -> None:
        self.recorded.append((trio.current_time(), event.TYPE))
        if frame is not None:
            self.hub.broadcast(frame)


@pytest.fixture
def core(tmp_path: Path) -> Iterator[ChatCore]:
    db = open_database(tmp_path / "owncast.db", migrate=True)
    hub = Hub()
    # Sessions never reach the bus or plugins: the outbox is the only way out.
    ctx = Context(Settings(datadir=tmp_path), db, None, None)  # type: ignore[arg-type]
    wall = Clock(lambda: EPOCH + trio.current_time())
    core = ChatCore(ctx, clock=wall, hub=hub, outbox=CommitsAtOnce(hub))  # type: ignore[arg-type]
    core.apply_config({name: key.default for name, key in KEYS.items()})
    core.apply_config({"chat_spam_protection_enabled": False})
    yield core
    db.close()


def user(core: ChatCore, name: str, *, created: float = EPOCH - 86400) -> str:
    """A cached user; returns its token."""
    core.users.remember(ChatUser(id=name, display_name=name, display_color=1, created_at=created), token=name)
    return name


async def connect(nursery: trio.Nursery, sessions: Sessions, token: str) -> MemorySocket:
    sock = MemorySocket()
    nursery.start_soon(lambda: sessions.session(sock, token=token, ip="192.0.2.1", user_agent="test"))
    await sock.wait_for("CONNECTED_USER_INFO")
    return sock


async def test_part_follows_the_last_connection_by_ten_seconds(core: ChatCore, autojump_clock: MockClock) -> None:
    sessions = Sessions(core)
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            watcher = await connect(nursery, sessions, user(core, "watcher"))
            first_tab = await connect(nursery, sessions, user(core, "bob"))
            second_tab = await connect(nursery, sessions, "bob")
            await watcher.wait_for("USER_JOINED", count=2)  # watcher's own and Bob's, once
            second_tab.hang_up()
            await trio.sleep(PART_DELAY_SECONDS * 2)
            assert not watcher.of("USER_PARTED")  # Bob is still there in his first tab
            first_tab.hang_up()
            await trio.sleep(PART_DELAY_SECONDS - 0.01)
            assert not watcher.of("USER_PARTED")
            third_tab = await connect(nursery, sessions, "bob")  # back within the delay: no part, no join
            third_tab.hang_up()
            left = trio.current_time()
            parted = await watcher.wait_for("USER_PARTED")
            assert trio.current_time() - left == pytest.approx(PART_DELAY_SECONDS)
            assert parted["user"]["id"] == "bob" and len(watcher.of("USER_JOINED")) == 2
            assert [kind for _, kind in core.outbox.recorded] == [  # type: ignore[attr-defined]
                "chat.user_joined", "chat.user_joined", "chat.user_parted"]
            nursery.cancel_scope.cancel()


async def test_the_welcome_message_comes_after_owncasts_delay(core: ChatCore, autojump_clock: MockClock) -> None:
    core.apply_config({"server_welcome_message": "Hello"})
    sessions = Sessions(core)
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            started = trio.current_time()
            sock = await connect(nursery, sessions, user(core, "newcomer"))
            core.apply_config({"server_welcome_message": "Welcome, **you**"})  # read when it is sent
            await trio.sleep(WELCOME_DELAY_SECONDS - 0.01)
            assert not sock.of("SYSTEM")
            welcome = await sock.wait_for("SYSTEM")
            assert trio.current_time() - started == pytest.approx(WELCOME_DELAY_SECONDS)
            assert welcome["body"] == "<p>Welcome, <strong>you</strong></p>"
            # A connection gone before the delay gets nothing (and nothing fails).
            early = await connect(nursery, sessions, user(core, "early"))
            early.hang_up()
            await trio.sleep(WELCOME_DELAY_SECONDS * 2)
            assert not early.of("SYSTEM") and len(sock.of("SYSTEM")) == 1
            nursery.cancel_scope.cancel()


async def test_a_flood_mutes_for_ten_seconds(core: ChatCore, autojump_clock: MockClock) -> None:
    core.apply_config({"chat_spam_protection_enabled": True})
    flood_notice = render_trusted_markdown(FLOOD_MESSAGE).strip()
    sessions = Sessions(core)
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            sock = await connect(nursery, sessions, user(core, "flooder"))
            for i in range(3):
                sock.client_sends(type="CHAT", body=f"flood {i}")
            assert (await sock.wait_for("CHAT_ACTION"))["body"] == flood_notice
            await trio.sleep(MUTE_SECONDS - 0.1)
            sock.client_sends(type="CHAT", body="still muted")
            await trio.sleep(0.2)
            sock.client_sends(type="CHAT", body="heard again")
            await sock.wait_for("CHAT", count=2)
            assert [e["body"] for e in sock.of("CHAT")] == ["<p>flood 0</p>", "<p>heard again</p>"]
            nursery.cancel_scope.cancel()


async def test_established_users_only_follows_the_injected_wall_clock(core: ChatCore,
                                                                       autojump_clock: MockClock) -> None:
    core.apply_config({"chat_established_users_only_mode": True})
    sessions = Sessions(core)
    with trio.fail_after(ESTABLISHED_USER_SECONDS * 2):
        async with trio.open_nursery() as nursery:
            sessions.nursery = nursery
            sock = await connect(nursery, sessions, user(core, "newcomer", created=core.clock.now()))
            sock.client_sends(type="CHAT", body="too soon")
            await sock.wait_for("CHAT_ACTION")
            assert not sock.of("CHAT")
            await trio.sleep(ESTABLISHED_USER_SECONDS)
            sock.client_sends(type="CHAT", body="established now")
            assert (await sock.wait_for("CHAT"))["body"] == "<p>established now</p>"
            nursery.cancel_scope.cancel()


async def test_history_retention_counts_from_the_injected_wall_clock(core: ChatCore) -> None:
    core.clock = Clock(lambda: EPOCH)
    core.apply_config({"chat_history_retention_hours": 2})
    db = core.db
    kept, gone = EPOCH - 2 * 3600 + 1, EPOCH - 2 * 3600 - 1
    db.write(lambda: chat_messages.save(db, [StoredMessage("old", None, "x", "SYSTEM", gone),
                                             StoredMessage("new", None, "y", "SYSTEM", kept)]))
    with trio.fail_after(10):
        assert await jobs.prune(core) == 1
    assert [m.id for m in chat_messages.recent(db)] == ["new"]
