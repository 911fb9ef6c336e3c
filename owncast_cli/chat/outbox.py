"""The chat outbox: commit events to the database in groups, then broadcast what was committed.

Ordering is the point (issue 10 §4): a message is broadcast only after the transaction that stores
it (and appends its bus event) has committed, so a message whose broadcast reached anyone, its
sender included, survives a SIGKILL of the daemon. Group commit keeps that cheap: everything
recorded while one transaction runs goes into the next one, and all of it is broadcast as one
newline-batched frame (Owncast's frame format), encoded once for every client.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.repos import chat_messages

if TYPE_CHECKING:
    from owncast_cli.bus import Bus
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.chat.hub import Hub
    from owncast_cli.db import Database
    from owncast_cli.repos.chat_messages import StoredMessage

logger = logging.getLogger("owncast.chat")

#: Events waiting for a commit; beyond this the database is hopelessly behind.
CAPACITY: Final = 100_000
#: At most this many events per transaction (and per broadcast frame).
BATCH: Final = 1000
#: :meth:`Outbox.flush` gives up after this long (a stuck database must not hang moderation).
FLUSH_TIMEOUT: Final = 10.0


@dataclass(frozen=True)
class Entry:
    event: BusEvent
    message: StoredMessage | None
    #: The encoded chat event to broadcast once committed (None: recorded only).
    frame: str | None


class Outbox:
    """Recorded events, written by :meth:`run` in group-committed batches."""

    def __init__(self, db: Database, bus: Bus, hub: Hub) -> None:
        self.db, self.bus, self.hub = db, bus, hub
        self._send, self._receive = trio.open_memory_channel[Entry](CAPACITY)
        # Recorded vs written: moderation and history wait for pending writes first.
        self._queued = self._written = 0
        self._progress = trio.Event()

    def record(self, event: BusEvent, message: StoredMessage | None = None, frame: str | None = None) -> None:
        """Queue an event; never waits."""
        try:
            self._send.send_nowait(Entry(event, message, frame))
            self._queued += 1
        except trio.WouldBlock:
            logger.error("chat persistence is %d events behind: dropped %s", CAPACITY, event.TYPE)
        except trio.ClosedResourceError:
            logger.warning("chat is stopping: %s not recorded", event.TYPE)

    def close(self) -> None:
        """No more events: :meth:`run` writes what is queued, then returns."""
        self._send.close()

    async def run(self) -> None:
        async for first in self._receive:
            batch = [first]
            while len(batch) < BATCH:
                try:
                    batch.append(self._receive.receive_nowait())
                except (trio.WouldBlock, trio.EndOfChannel):
                    break
            await self._commit(batch)
            self._written += len(batch)
            self._progress.set()
            self._progress = trio.Event()

    async def _commit(self, batch: list[Entry]) -> None:
        messages = [e.message for e in batch if e.message is not None]

        def effect() -> None:
            chat_messages.save(self.db, messages)

        try:
            await self.bus.publish_many([e.event for e in batch], effect=effect)
        except Exception:
            # Not stored, so not shown: a client never sees a message that is not in history.
            logger.exception("could not record %d chat events; they were not broadcast", len(batch))
            return
        frames = [e.frame for e in batch if e.frame is not None]
        if frames:
            self.hub.broadcast("\n".join(frames))

    async def flush(self) -> None:
        """Wait until every event recorded so far is committed (and broadcast)."""
        target = self._queued
        with trio.move_on_after(FLUSH_TIMEOUT):
            while self._written < target:
                await self._progress.wait()
