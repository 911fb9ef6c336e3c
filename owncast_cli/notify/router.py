"""The notify daemon's durable bus subscription: events become webhook deliveries and notices.

Every row is written in the transaction that acknowledges the event (``Subscription.ack`` with
an effect), so after a crash each event is routed exactly once: none lost, none queued twice.
Events waiting together are routed in one transaction (one write instead of hundreds in a burst).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli import __version__, state
from owncast_cli.bus.catalog import ConfigChanged, ScheduleReminder, StreamStarted, StreamStopped, WebhooksChanged
from owncast_cli.golive import GO_LIVE_DELAY
from owncast_cli.notify import payloads
from owncast_cli.repos import deliveries, notices, webhooks
from owncast_cli.webhooks import body as wire

if TYPE_CHECKING:
    from owncast_cli.bus import Event, Subscription
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.notify.shared import Shared
    from owncast_cli.repos.webhooks import Hook

logger = logging.getLogger("owncast.notify")

CURSOR: Final = "notify"
ROUTED: Final = (*payloads.SOURCES, ScheduleReminder, WebhooksChanged)
#: Most events routed in one transaction.
BATCH: Final = 500

Effect = Callable[["_Batch"], None]


class _Batch:
    """One routing transaction: what several events share is read once (sync, in the transaction)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.snapshot: wire.Snapshot | None = None
        self.subscribers: dict[str, list[Hook]] = {}
        self.woken: set[Callable[[], None]] = set()
        #: Deliveries to queue, inserted together at the end of the transaction.
        self.queued: list[tuple[int, int, str, str]] = []
        self.queued_at = 0.0


class Router:
    def __init__(self, shared: Shared) -> None:
        self.shared = shared
        self.db = shared.ctx.db
        self.hooks: list[Hook] = []

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        db = self.db
        self.hooks = await db.run(lambda: webhooks.all_webhooks(db))
        async with self.shared.ctx.bus.subscribe(CURSOR, types=ROUTED) as sub:
            await sub.ack(sub.last_seen)  # on a first start, "now" becomes the durable cursor
            send, recv = trio.open_memory_channel[tuple["Event", "BusEvent"]](BATCH)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._pump, sub, send)
                task_status.started()
                async for first in recv:
                    batch = [first]
                    while len(batch) < BATCH:
                        try:
                            batch.append(recv.receive_nowait())
                        except trio.WouldBlock:
                            break
                    await self._route(sub, batch)

    @staticmethod
    async def _pump(sub: Subscription, send: trio.MemorySendChannel[tuple[Event, BusEvent]]) -> None:
        async for item in sub.decoded():
            await send.send(item)

    async def _route(self, sub: Subscription, batch: list[tuple[Event, BusEvent]]) -> None:
        effects: list[Effect] = []
        last = 0
        for event, body in batch:
            if isinstance(body, (ConfigChanged, WebhooksChanged)):
                # What follows is routed with the new config or webhooks: commit what came before.
                if effects:
                    await self._commit(sub, last, effects)
                    effects = []
                if isinstance(body, ConfigChanged):
                    await self.shared.reload()
                    if body.key in ("directory_enabled", "directory_url", "server_url"):
                        self.shared.wake_directory()
                else:
                    self.hooks = await self.db.run(lambda: webhooks.all_webhooks(self.db))
            effect = self._plan(event, body)
            if effect is not None:
                effects.append(effect)
            last = event.id
        await self._commit(sub, last, effects)

    async def _commit(self, sub: Subscription, last: int, effects: list[Effect]) -> None:
        batch = _Batch(self)

        def work() -> None:
            for effect in effects:
                effect(batch)
            deliveries.enqueue(self.db, batch.queued, batch.queued_at)

        async with self.shared.writing:
            await sub.ack(last, work)
        for wake in batch.woken:
            wake()

    def _plan(self, event: Event, body: BusEvent) -> Effect | None:
        """The writes this event causes, run in the acknowledging transaction."""
        db, shared = self.db, self.shared
        if isinstance(body, StreamStarted):
            title, key = shared.config.stream_title, f"live:{body.stream_id}"

            def go_live(batch: _Batch) -> None:
                notices.queue(db, key, notices.GO_LIVE, title, event.ts + GO_LIVE_DELAY)
                batch.woken.update((shared.wake_notices, shared.wake_directory))
                self._queue_webhooks(batch, event, body)

            return go_live
        if isinstance(body, StreamStopped):
            def stopped(batch: _Batch) -> None:
                notices.cancel_pending(db, notices.GO_LIVE, event.ts)
                batch.woken.add(shared.wake_notices)
                self._queue_webhooks(batch, event, body)

            return stopped
        if isinstance(body, ScheduleReminder):
            # The bus event, not the occurrence: the schedule may send two reminders for one.
            key = f"reminder:{event.id}"

            def remind(batch: _Batch) -> None:
                notices.queue(db, key, notices.REMINDER, body.message, event.ts)
                batch.woken.add(shared.wake_notices)

            return remind
        kind = payloads.webhook_type(body)
        if kind is None or not any(kind in hook.events for hook in self.hooks):
            return None
        return lambda batch: self._queue_webhooks(batch, event, body)

    def _queue_webhooks(self, batch: _Batch, event: Event, body: BusEvent) -> None:
        """Queue one delivery per subscribed webhook (sync: inside the ack's transaction)."""
        kind = payloads.webhook_type(body)
        if kind is None or not any(kind in hook.events for hook in self.hooks):
            return
        db = self.db
        if kind not in batch.subscribers:
            # The table, not the cache: a daemon catching up may route events of a webhook deleted since.
            batch.subscribers[kind] = webhooks.subscribed(db, kind)
        hooks = batch.subscribers[kind]
        if not hooks:
            return
        if batch.snapshot is None:
            batch.snapshot = wire.snapshot(db, self.shared.config, __version__)
        text = wire.encode(kind, payloads.event_data(kind, body, batch.snapshot, state.rfc3339(event.ts)))
        batch.queued += [(hook.id, event.id, kind, text) for hook in hooks]
        batch.queued_at = event.ts
        batch.woken.add(self.shared.wake_deliveries)


