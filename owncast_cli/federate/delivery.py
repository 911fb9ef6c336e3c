"""The delivery worker: POST queued activities to inboxes, signed, until each gets a 2xx.

- A delivery is marked done only after its 2xx, in the database: a crash (even SIGKILL) leaves it
  queued, and once marked it is never sent again.
- Failures retry with exponential backoff (:data:`FIRST_RETRY` doubling, at most
  :data:`MAX_RETRY` apart) until :data:`GIVE_UP_AFTER` since it was queued; a 4xx other than 408
  and 429 is permanent at once (the receiver refused it), as is a refused or non-https URL.
- A circuit breaker per domain: after :data:`BREAKER_THRESHOLD` failures in a row the domain's
  deliveries wait :data:`BREAKER_OPEN` (without counting as attempts), so a dead server does not
  hold workers from live ones.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Final

import httpx
import trio

from owncast_cli.outbound.guard import OutboundRefused
from owncast_cli.protocols.activitypub.parse import host
from owncast_cli.repos import ap_queues

if TYPE_CHECKING:
    from owncast_cli.federate.outbox import Outbox
    from owncast_cli.federate.service import FederateService

logger = logging.getLogger("owncast.federate.delivery")

FIRST_RETRY: Final = 30.0
MAX_RETRY: Final = 3600.0
GIVE_UP_AFTER: Final = 48 * 3600.0
BREAKER_THRESHOLD: Final = 5
BREAKER_OPEN: Final = 600.0
#: Deliveries in flight at once (Owncast sends batches of 50); per-host connections are reused.
CONCURRENCY: Final = 50
BATCH: Final = 500
#: How often an idle worker looks for deliveries queued by another process (the CLI).
IDLE_POLL: Final = 2.0


class Permanent(Exception):
    """This delivery can never succeed."""


def backoff(attempts: int) -> float:
    """Seconds before retry number ``attempts`` (1 after the first failure)."""
    return min(MAX_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


class Deliverer:
    def __init__(self, service: FederateService, outbox: Outbox) -> None:
        self.service, self.outbox = service, outbox
        self.limit = trio.CapacityLimiter(CONCURRENCY)
        self.attempted = 0  # POSTs made (not counting deliveries the breaker held)

    async def post(self, inbox: str, body: bytes, key_id: str) -> None:
        """One signed POST; returns on 2xx, raises :class:`Permanent` or another error to retry."""
        refusal = self.service.url_refusal(inbox)
        if refusal:
            raise Permanent(refusal)
        headers = self.service.signed("POST", inbox, key_id, body)
        try:
            response = await self.service.http.post(inbox, content=body, headers=headers)
        except OutboundRefused as exc:
            raise Permanent(str(exc)) from None
        if 200 <= response.status_code < 300:
            return
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise Permanent(f"{inbox} refused it with {response.status_code}")
        raise RuntimeError(f"{inbox} answered {response.status_code}")

    async def _one(self, item: ap_queues.Pending, now: float, key_id: str, breakers: dict[str, float]) -> None:
        db, domain = self.service.db, host(item.inbox)
        if breakers.get(domain, 0.0) > now:
            await db.run_write(partial(ap_queues.retry_later, db, item.id, breakers[domain],
                                       "circuit open for this domain", count=False))
            return
        async with self.limit:
            self.attempted += 1
            try:
                await self.post(item.inbox, item.body, key_id)
            except Permanent as exc:
                logger.warning("gave up delivering %s to %s: %s", item.activity_iri, item.inbox, exc)
                await db.run_write(partial(ap_queues.give_up, db, item.id, self.service.clock(), str(exc)))
                return
            except (httpx.HTTPError, RuntimeError) as exc:
                await self._failed(item, domain, str(exc) or type(exc).__name__, breakers)
                return
        def done() -> None:
            ap_queues.delivered(db, item.id, self.service.clock())
            ap_queues.domain_ok(db, domain)

        await db.run_write(done)

    async def _failed(self, item: ap_queues.Pending, domain: str, error: str, breakers: dict[str, float]) -> None:
        db, now = self.service.db, self.service.clock()
        if now - item.created_at >= GIVE_UP_AFTER:
            logger.warning("gave up delivering %s to %s after 48 h: %s", item.activity_iri, item.inbox, error)
            await db.run_write(partial(ap_queues.give_up, db, item.id, now, error))
            return

        def work() -> float:
            ap_queues.retry_later(db, item.id, now + backoff(item.attempts + 1), error)
            ap_queues.domain_failed(db, domain, BREAKER_THRESHOLD, BREAKER_OPEN, now)
            return ap_queues.breaker_open_until(db, domain)

        breakers[domain] = await db.run_write(work)
        logger.info("delivery of %s to %s failed (%s); retry %d in %.0f s", item.activity_iri, item.inbox,
                    error, item.attempts + 1, backoff(item.attempts + 1))

    async def run_due(self, now: float) -> int:
        """Attempt every delivery due at ``now``; returns how many POSTs were made."""
        db, before = self.service.db, self.attempted
        key_id = self.service.profile(await self.service.config()).key_id
        while True:
            batch = await db.run(partial(ap_queues.due, db, now, BATCH))
            if not batch:
                return self.attempted - before
            domains = {host(item.inbox) for item in batch}
            breakers = await db.run(lambda: {d: ap_queues.breaker_open_until(db, d) for d in domains})
            async with trio.open_nursery() as nursery:
                for item in batch:
                    nursery.start_soon(self._one, item, now, key_id, breakers)

    async def run(self, stopping: trio.Event) -> None:
        """Deliver until ``stopping``: whatever is due, then sleep until the next is due or more
        is queued."""
        db = self.service.db
        while not stopping.is_set():
            queued = self.outbox.queued
            await self.run_due(self.service.clock())
            next_at = await db.run(partial(ap_queues.next_due_at, db))
            wait = IDLE_POLL if next_at is None else max(0.05, next_at - self.service.clock())
            with trio.move_on_after(min(wait, IDLE_POLL)):
                async with trio.open_nursery() as nursery:
                    async def woken() -> None:
                        await queued.wait()
                        nursery.cancel_scope.cancel()

                    async def stopped() -> None:
                        await stopping.wait()
                        nursery.cancel_scope.cancel()

                    nursery.start_soon(woken)
                    nursery.start_soon(stopped)
