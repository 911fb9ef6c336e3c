"""The async bus API: publish (group-committed), subscribe (live, with catch-up), ack."""

from __future__ import annotations

import json
import logging
import os
import socket as _socket
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import trio

from owncast_cli.bus import catalog  # noqa: F401  (registers every event type before a decode)
from owncast_cli.bus import log
from owncast_cli.bus.events import Event
from owncast_cli.bus.eventtype import BusEvent, decode
from owncast_cli.bus.push import Pusher, bus_dir

if TYPE_CHECKING:
    from owncast_cli.db import Database

logger = logging.getLogger("owncast.bus")

E = TypeVar("E", bound=BusEvent)
#: A unit of work run inside the publish transaction; returns more events to append.
Effect = Callable[[], Sequence[BusEvent] | None]
#: A subscription's filter: event classes, or type names from a user (``events tail --type``).
TypeFilter = Iterable[type[BusEvent] | str]

#: How often an idle subscriber checks the log for events whose wake-up datagram was lost.
POLL_INTERVAL = 1.0
CATCH_UP_BATCH = 1000


@dataclass
class _Request:
    items: list[BusEvent]
    effect: Effect | None
    done: trio.Event = field(default_factory=trio.Event)
    result: list[Event] | None = None
    error: BaseException | None = None


class Subscription:
    """An async iterator of events in id order, with no gaps, from a starting point.

    Durable subscriptions (with a ``name``) resume after the last id they acknowledged; call
    :meth:`ack` after handling, passing the handler's own writes as ``effect`` so they commit
    in the same transaction as the acknowledgement: effects then apply exactly once.
    """

    def __init__(self, bus: Bus, name: str | None, after_id: int, types: TypeFilter | None) -> None:
        self.bus = bus
        self.name = name
        self.last_seen = after_id
        self.types = frozenset(t if isinstance(t, str) else t.TYPE for t in types) if types else None
        self._send, self._recv = trio.open_memory_channel[Event | int](256)
        self._pending: deque[Event] = deque()
        self._behind = True  # catch up from the log before trusting live events

    def _offer(self, item: Event | int) -> None:
        try:
            self._send.send_nowait(item)
        except trio.WouldBlock:
            self._behind = True  # the log has what we dropped

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        while True:
            while self._pending:
                event = self._pending.popleft()
                self.last_seen = event.id
                if self.types is None or event.type in self.types:
                    return event
            if self._behind:
                await self._catch_up()
                continue
            item: Event | int | None = None
            with trio.move_on_after(self.bus.poll_interval):
                item = await self._recv.receive()
            if item is None or isinstance(item, int):
                self._behind = True
                continue
            if item.id <= self.last_seen:
                continue
            if item.id != self.last_seen + 1:
                self._behind = True  # a gap: read the missing ids from the log
                continue
            self._pending.append(item)

    def decoded(self) -> Decoded:
        """The same events as typed ones: ``async for event, body in sub.decoded()``.

        An event of an unknown type or with malformed data is logged and skipped (and still
        counts as seen), so one bad record never stops a subscriber.
        """
        return Decoded(self)

    async def _catch_up(self) -> None:
        after = self.last_seen
        events = await self.bus.db.run(lambda: log.read_since(self.bus.db, after, limit=CATCH_UP_BATCH))
        self._pending.extend(events)
        self._behind = len(events) == CATCH_UP_BATCH

    async def ack(self, event_id: int, effect: Callable[[], None] | None = None) -> None:
        """Acknowledge everything up to ``event_id``; run ``effect`` in the same transaction."""
        if self.name is None:
            raise RuntimeError("only a named (durable) subscription can acknowledge")
        name, db = self.name, self.bus.db

        def work() -> None:
            if effect is not None:
                effect()
            log.set_cursor(db, name, event_id)

        await db.run_write(work)


class Decoded:
    """An async iterator of ``(event, typed body)`` over a subscription (see ``decoded()``)."""

    def __init__(self, sub: Subscription) -> None:
        self.sub = sub

    def __aiter__(self) -> Decoded:
        return self

    async def __anext__(self) -> tuple[Event, BusEvent]:
        while True:
            event = await self.sub.__anext__()
            body = decode(event.type, event.data, event_id=event.id)
            if body is not None:
                return event, body


class Bus:
    """One per process: publishes with group commit and fans events out to subscribers.

    ``clock`` stamps events (wall-clock seconds); waits use trio's clock, so a test's
    ``MockClock`` drives both the idle poll and the owed wake-ups.
    """

    def __init__(self, db: Database, run_dir: Path, source: str, *, clock: Callable[[], float] = time.time,
                 poll_interval: float = POLL_INTERVAL) -> None:
        self.db = db
        self.run_dir = Path(run_dir)
        self.source = source
        self.clock = clock
        self.poll_interval = poll_interval
        self.socket_path = bus_dir(self.run_dir) / f"{os.getpid()}.sock"
        self._subs: set[Subscription] = set()
        self._queue_send, self._queue_recv = trio.open_memory_channel[_Request](1024)
        self._pusher: Pusher | None = None
        self._owed = trio.Event()
        self._writer_done = trio.Event()

    # --- publishing ---------------------------------------------------------------------------

    async def publish(self, event: BusEvent) -> Event:
        """Append one event durably, then push it live. Returns it with its id."""
        return (await self.publish_many([event]))[0]

    async def publish_many(self, items: Sequence[BusEvent], effect: Effect | None = None) -> list[Event]:
        """Append events (and run ``effect``'s writes) in one transaction, then push them."""
        for item in items:
            if not isinstance(item, BusEvent):
                raise TypeError(f"publish a bus event from owncast_cli.bus.catalog, not {item!r:.60}")
        request = _Request(list(items), effect)
        await self._queue_send.send(request)
        await request.done.wait()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    async def _writer(self) -> None:
        try:
            await self._write_batches()
        finally:
            self._writer_done.set()

    async def _write_batches(self) -> None:
        db = self.db
        async for first in self._queue_recv:
            batch = [first]
            while len(batch) < 512:
                try:
                    batch.append(self._queue_recv.receive_nowait())
                except trio.WouldBlock:
                    break

            def work(batch: list[_Request] = batch) -> None:
                # Group commit: one transaction for every request waiting now, each in its own
                # savepoint so one failing effect does not take the others' events with it.
                with db.peewee.atomic("IMMEDIATE"):
                    if len(batch) == 1 and batch[0].effect is None:
                        # The common case of a lone publisher: nothing to isolate.
                        batch[0].result = log.append(db, batch[0].items, self.source, now=self.clock())
                        return
                    for req in batch:
                        try:
                            with db.peewee.atomic():
                                extra = req.effect() if req.effect else None
                                req.result = log.append(db, [*req.items, *(extra or [])], self.source,
                                                        now=self.clock())
                        except Exception as exc:  # reported to that publisher only
                            req.error = exc

            try:
                await db.run(work)
            except Exception as exc:
                for req in batch:
                    req.error, req.result = exc, None
            events = [e for req in batch if req.result for e in req.result]
            self._deliver(events)
            for req in batch:
                req.done.set()

    def _deliver(self, events: list[Event]) -> None:
        for event in events:
            for sub in self._subs:
                sub._offer(event)
        if self._pusher is not None and events:
            self._pusher.send(events)
            if self._pusher.owed:
                self._owed.set()

    # --- receiving ----------------------------------------------------------------------------

    async def _receiver(self, sock: trio.socket.SocketType) -> None:
        while True:
            data = await sock.recv(65536)
            try:
                obj = json.loads(data)
                item: Event | int = obj["hint"] if "hint" in obj else Event.from_json(data)
            except (ValueError, KeyError, TypeError):
                logger.warning("ignored a malformed bus datagram (%d bytes)", len(data))
                continue
            for sub in self._subs:
                sub._offer(item)

    async def _owed_retrier(self) -> None:
        # A subscriber whose queue was full is owed a wake-up even if nothing else is published:
        # retry a small hint every few milliseconds until its queue has room again.
        while True:
            await self._owed.wait()
            while self._pusher is not None and self._pusher.owed:
                await trio.sleep(0.002)
                self._pusher.retry_owed(0)
            self._owed = trio.Event()

    @asynccontextmanager
    async def subscribe(
        self,
        name: str | None = None,
        *,
        since: int | None = None,
        types: TypeFilter | None = None,
    ) -> AsyncIterator[Subscription]:
        """Subscribe from ``since`` (exclusive), else the durable cursor, else from now.

        ``types`` are event classes; names (strings) are for tools that relay a user's choice.
        """
        after = since
        if after is None and name is not None:
            after = await self.db.run(lambda: log.get_cursor(self.db, name))
        if after is None:
            after = await self.db.run(lambda: log.last_id(self.db))
        sub = Subscription(self, name, after, types)
        self._subs.add(sub)
        try:
            yield sub
        finally:
            self._subs.discard(sub)

    async def latest(self, cls: type[E]) -> E | None:
        """The newest event of type ``cls`` still in the log (None if none, or unreadable)."""
        event = await self.db.run(lambda: log.latest(self.db, cls.TYPE))
        if event is None:
            return None
        body = decode(event.type, event.data, event_id=event.id)
        return body if isinstance(body, cls) else None

    # --- lifecycle ----------------------------------------------------------------------------

    async def _bind(self) -> trio.socket.SocketType:
        directory = bus_dir(self.run_dir)
        directory.mkdir(parents=True, exist_ok=True)
        try:
            self.socket_path.unlink()
        except FileNotFoundError:
            pass
        sock = trio.socket.socket(_socket.AF_UNIX, _socket.SOCK_DGRAM)
        await sock.bind(str(self.socket_path))
        return sock


@asynccontextmanager
async def open_bus(db: Database, run_dir: Path, source: str, *, clock: Callable[[], float] = time.time,
                   poll_interval: float = POLL_INTERVAL) -> AsyncIterator[Bus]:
    """Run a process's bus: its writer, its receiving socket, its pusher."""
    bus = Bus(db, run_dir, source, clock=clock, poll_interval=poll_interval)
    sock = await bus._bind()
    bus._pusher = Pusher(run_dir, own_path=bus.socket_path)
    try:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(bus._writer)
            nursery.start_soon(bus._receiver, sock)
            nursery.start_soon(bus._owed_retrier)
            try:
                yield bus
            finally:
                # Publishers are done: let queued requests commit, then stop.
                bus._queue_send.close()
                with trio.move_on_after(5) as scope:
                    scope.shield = True
                    await bus._writer_done.wait()
                    # Subscribers still owed a wake-up get it now, not at their next poll.
                    with trio.move_on_after(0.5):
                        while bus._pusher.owed:
                            bus._pusher.retry_owed(0)
                            await trio.sleep(0.002)
                nursery.cancel_scope.cancel()
    finally:
        sock.close()
        bus._pusher.close()
        try:
            bus.socket_path.unlink()
        except FileNotFoundError:
            pass
