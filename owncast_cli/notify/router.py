"""The notify daemon's durable bus subscription: events become webhook deliveries and notices.

Every row is written in the transaction that acknowledges the event (``Subscription.ack`` with
an effect), so after a crash each event is routed exactly once: none lost, none queued twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli import __version__, state
from owncast_cli.bus.catalog import ConfigChanged, ScheduleReminder, StreamStarted, StreamStopped, WebhooksChanged
from owncast_cli.notify import payloads
from owncast_cli.repos import deliveries, notices, webhooks

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.notify.shared import Shared
    from owncast_cli.repos.webhooks import Hook

logger = logging.getLogger("owncast.notify")

CURSOR: Final = "notify"
#: Owncast sends the go-live notifications this long after the stream starts.
GO_LIVE_DELAY: Final = 120.0
ROUTED: Final = (*payloads.SOURCES, ScheduleReminder, WebhooksChanged)


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
            task_status.started()
            async for event, body in sub.decoded():
                if isinstance(body, ConfigChanged):
                    await self.shared.reload()
                elif isinstance(body, WebhooksChanged):
                    self.hooks = await db.run(lambda: webhooks.all_webhooks(db))
                effect, wake = self._plan(event, body)
                await sub.ack(event.id, effect)
                if wake is not None:
                    wake()

    def _plan(self, event: Event, body: BusEvent) -> tuple[Callable[[], None] | None, Callable[[], None] | None]:
        """The writes this event causes (run in the acknowledging transaction) and whom to wake."""
        db, shared = self.db, self.shared
        if isinstance(body, StreamStarted):
            title = shared.config.stream_title
            stream_id = body.stream_id

            def go_live() -> None:
                notices.queue(db, f"live:{stream_id}", notices.GO_LIVE, title, event.ts + GO_LIVE_DELAY)
                self._queue_webhooks(event, body)

            return go_live, self._wake_both
        if isinstance(body, StreamStopped):
            def stopped() -> None:
                notices.cancel_pending(db, notices.GO_LIVE, event.ts)
                self._queue_webhooks(event, body)

            return stopped, self._wake_both
        if isinstance(body, ScheduleReminder):
            key = f"reminder:{body.event_id}:{body.starts_at}"
            return (lambda: notices.queue(db, key, notices.REMINDER, body.message, event.ts)), shared.wake_notices
        kind = payloads.webhook_type(body)
        if kind is None or not any(kind in hook.events for hook in self.hooks):
            return None, None
        return (lambda: self._queue_webhooks(event, body)), shared.wake_deliveries

    def _wake_both(self) -> None:
        self.shared.wake_deliveries()
        self.shared.wake_notices()

    def _queue_webhooks(self, event: Event, body: BusEvent) -> None:
        """Queue one delivery per subscribed webhook (sync: inside the ack's transaction)."""
        kind = payloads.webhook_type(body)
        if kind is None or not any(kind in hook.events for hook in self.hooks):
            return
        config, db = self.shared.config, self.db
        # The table, not the cache: a daemon catching up may route events of a webhook deleted since.
        hooks = webhooks.subscribed(db, kind)
        if not hooks:
            return
        status = payloads.status_object(state.stream(db), state.viewers(db), config.stream_title, __version__)
        snap = payloads.Snapshot(config.server_name, config.server_summary, config.server_url,
                                 config.stream_title, status)
        text = payloads.encode(kind, payloads.event_data(kind, body, snap, state.rfc3339(event.ts)))
        deliveries.enqueue(db, [(hook.id, event.id, kind, text) for hook in hooks], event.ts)
