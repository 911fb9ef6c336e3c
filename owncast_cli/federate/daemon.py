"""``owncast federate``: the ActivityPub app on ``run/federate.sock`` (serve mounts it in one
process), the inbox and delivery workers, and the bus reactions."""

from __future__ import annotations

import logging
import os
from functools import partial
from typing import TYPE_CHECKING, Any

import trio
from hypercorn.config import Config
from hypercorn.trio import serve as hypercorn_serve

from owncast_cli.bodyfirst import body_first
from owncast_cli.federate import handlers
from owncast_cli.federate.app import create_app
from owncast_cli.federate.delivery import Deliverer
from owncast_cli.federate.keys import ensure_key
from owncast_cli.federate.outbox import Outbox
from owncast_cli.federate.reactions import Reactions
from owncast_cli.federate.remote import RemoteActors
from owncast_cli.federate.service import FederateService
from owncast_cli.protocols.activitypub.parse import ActivityError, activity
from owncast_cli.repos import ap_queues

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.federate")

MAX_BODY = 1 << 20
INBOX_BATCH = 50
#: Finished queue rows are kept this long (inbound ids dedupe redeliveries meanwhile).
KEEP_FINISHED = 7 * 86400.0
PRUNE_EVERY = 3600.0


class Federate:
    """The daemon's parts, wired once; routes reach it through the app's extensions."""

    def __init__(self, ctx: Context, service: FederateService) -> None:
        self.ctx, self.service = ctx, service
        self.remote = RemoteActors(service)
        self.outbox = Outbox(service)
        self.deliverer = Deliverer(service, self.outbox)
        self.reactions = Reactions(self)
        self._inbound = trio.Event()

    def inbound_queued(self) -> None:
        self._inbound.set()

    async def handle_inbound(self) -> int:
        """Handle every queued inbound activity, oldest first; each is marked done after it ran."""
        db, handled = self.service.db, 0
        while True:
            items = await db.run(partial(ap_queues.next_inbound, db, INBOX_BATCH))
            if not items:
                return handled
            c = await self.service.config()
            for item_id, raw in items:
                try:
                    await handlers.handle(self, activity(raw), c)
                except ActivityError:
                    pass  # verified on arrival; cannot happen unless the row was edited
                except Exception:
                    logger.exception("inbound activity %d failed", item_id)
                await db.run_write(partial(ap_queues.inbound_done, db, item_id, self.service.clock()))
                handled += 1

    async def prune_forever(self) -> None:
        db = self.service.db
        while not self.ctx.stopping.is_set():
            removed = await db.run_write(partial(ap_queues.prune, db, self.service.clock() - KEEP_FINISHED))
            if removed:
                logger.info("pruned %d finished federation queue rows", removed)
            with trio.move_on_after(PRUNE_EVERY):
                await self.ctx.stopping.wait()

    async def inbox_worker(self) -> None:
        while not self.ctx.stopping.is_set():
            self._inbound = trio.Event()
            await self.handle_inbound()
            with trio.move_on_after(5.0):  # also catches rows queued by another process
                await self._inbound.wait()


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED,
                **options: Any) -> None:
    sock_path = ctx.settings.socket_path("federate")
    if sock_path.exists():
        sock_path.unlink()  # left by a crash: replace it
    key = await ensure_key(ctx)
    service = FederateService(ctx, key, **options)
    fed = Federate(ctx, service)
    app = create_app(fed)
    config = Config()
    config.bind = [f"unix:{sock_path}"]
    config.accesslog = logging.getLogger("owncast.http") if ctx.settings.verbose else None
    config.errorlog = logging.getLogger("hypercorn.error")
    config.graceful_timeout = 2.0
    try:
        async with trio.open_nursery() as nursery:
            await service.config()
            await nursery.start(fed.reactions.run, nursery)
            nursery.start_soon(fed.inbox_worker)
            nursery.start_soon(fed.prune_forever)
            nursery.start_soon(fed.deliverer.run, ctx.stopping)
            binds = await nursery.start(
                lambda task_status: hypercorn_serve(body_first(app, MAX_BODY), config,
                                                    shutdown_trigger=ctx.stopping.wait, task_status=task_status))
            ctx.http_apps["federate"] = app
            logger.info("federate serving on %s", ", ".join(binds))
            task_status.started(binds)
            await ctx.stopping.wait()
            nursery.cancel_scope.cancel()
    finally:
        ctx.http_apps.pop("federate", None)
        with trio.CancelScope(shield=True):
            await service.aclose()
        try:
            os.unlink(sock_path)
        except FileNotFoundError:
            pass
