"""Webhook delivery: one lane per webhook (its rows in order), a shared pool of senders.

A lane sends its webhook's pending rows one after the other, so a receiver sees events in the
order they happened; a row that fails with a retryable error holds the lane until it is
delivered or given up (dead-letter list, webhook paused). At most ``WORKERS`` requests are in
flight across all lanes. The outcome of each attempt is committed before the next row is sent.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Final

import httpx
import trio

from owncast_cli import state
from owncast_cli.notify import retry
from owncast_cli.repos import deliveries, webhooks
from owncast_cli.webhooks.send import attempt

if TYPE_CHECKING:
    from owncast_cli.db import Database
    from owncast_cli.notify.shared import Shared
    from owncast_cli.repos.deliveries import Row
    from owncast_cli.repos.webhooks import Hook

logger = logging.getLogger("owncast.notify")

#: Requests in flight at once across all webhooks (Owncast's pool has GOMAXPROCS workers).
WORKERS: Final = 16
#: Rows of another process (``owncast webhooks replay``) are noticed within this long.
POLL_SECONDS: Final = 2.0
#: A lane with nothing to send for this long ends (its webhook costs no polling while quiet).
IDLE_LANE_SECONDS: Final = 60.0
#: Delivered rows are kept this long for the admin's history, then forgotten.
KEEP_DELIVERED_SECONDS: Final = 7 * 86400.0


class Deliverer:
    def __init__(self, shared: Shared, client: httpx.AsyncClient, *, clock: Callable[[], float] = time.time,
                 dice: Callable[[], float] = random.random) -> None:
        self.shared = shared
        self.db = shared.ctx.db
        self.client = client
        self.clock = clock
        self.dice = dice
        self.pool = trio.CapacityLimiter(WORKERS)
        self.lanes: dict[int, trio.Event] = {}

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        db = self.db
        async with trio.open_nursery() as nursery:
            task_status.started()
            pruned_at = 0.0
            while True:
                queued = self.shared.queued  # taken before reading, so no wake-up falls between
                for webhook_id in await db.run(lambda: deliveries.active_webhooks(db)):
                    if webhook_id not in self.lanes:
                        self.lanes[webhook_id] = trio.Event()
                        nursery.start_soon(self._lane, webhook_id)
                if self.clock() - pruned_at > 3600:
                    pruned_at = self.clock()
                    await self.shared.write(partial(deliveries.prune_delivered, db, pruned_at - KEEP_DELIVERED_SECONDS))
                with trio.move_on_after(POLL_SECONDS):
                    await queued.wait()
                for event in self.lanes.values():
                    event.set()

    async def _lane(self, webhook_id: int) -> None:
        db = self.db
        try:
            after, hook, read_at, idle_since = 0, None, 0.0, trio.current_time()
            while True:
                self.lanes[webhook_id] = more = trio.Event()
                if hook is None or trio.current_time() - read_at > POLL_SECONDS:
                    # Re-read now and then, not per event: another process may pause, resume,
                    # delete or change it (the CLI), and this lane must notice.
                    hook, read_at = await db.run(lambda: webhooks.get(db, webhook_id)), trio.current_time()
                    if hook is None or hook.paused_at is not None:
                        return
                rows = await db.run(lambda: deliveries.next_pending(db, webhook_id, after))
                if not rows and after:
                    after = 0  # a replayed row may sit before where this lane got to
                    continue
                if not rows:
                    if trio.current_time() - idle_since > IDLE_LANE_SECONDS:
                        return  # the supervisor starts it again when something is queued
                    with trio.move_on_after(POLL_SECONDS):
                        await more.wait()
                    continue
                idle_since = trio.current_time()
                for row in rows:
                    if not await self._deliver(hook, row):
                        return  # paused or deleted
                    after = row.id
        finally:
            del self.lanes[webhook_id]

    async def _deliver(self, hook: Hook, row: Row) -> bool:
        """Send ``row`` until it is delivered or dead-lettered; False when the lane must stop (its
        webhook was paused or deleted)."""
        db, config = self.db, self.shared.config
        while True:
            wait = row.next_attempt_at - self.clock()
            if wait > 0:
                await trio.sleep(wait)
            async with self.pool:
                status, text, permanent = await attempt(self.client, hook, row.body, now=int(self.clock()),
                                                        timeout=config.webhook_timeout_seconds)
            now = self.clock()
            decision = retry.decide(status, attempts=row.attempts + 1, failing_since=row.failing_since, now=now,
                                    window=config.webhook_retry_seconds, dice=self.dice(), permanent=permanent)
            verdict = decision.verdict
            if verdict is retry.Verdict.DELIVERED:
                await self.shared.write(partial(deliveries.mark_delivered, db, row.id, row.webhook_id, text, now))
                return True
            if verdict is retry.Verdict.FAILED:
                logger.warning("webhook %d (%s): %s event %d failed for good: %s", hook.id, hook.url,
                               row.event_type, row.event_id, text)
                await self.shared.write(partial(_failed, db, row, text, now, decision.pause))
                return not decision.pause
            assert decision.next_at is not None
            await self.shared.write(partial(_retry, db, row, text, now, decision.next_at))
            fresh = await db.run(partial(deliveries.get, db, row.id))
            if fresh is None:
                return False  # its webhook was deleted
            if fresh.state != deliveries.PENDING:
                return True  # dead-lettered or delivered by someone else meanwhile
            row = fresh


def _retry(db: Database, row: Row, text: str, now: float, next_at: float) -> None:
    deliveries.mark_retry(db, row, text, now, next_at)
    webhooks.record_failure(db, row.webhook_id, text)


def _failed(db: Database, row: Row, text: str, now: float, pause: bool) -> None:
    deliveries.mark_failed(db, row, text, now)
    webhooks.record_failure(db, row.webhook_id, text)
    if pause:
        since = row.failing_since if row.failing_since is not None else now
        webhooks.pause(db, row.webhook_id, f"failing since {state.rfc3339(since)}: {text}", now)
