"""``owncast notify``: webhooks, go-live notifications and the directory, fed by the durable bus."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import trio

from owncast_cli.notify.channels import browser
from owncast_cli.notify.delivery import Deliverer
from owncast_cli.notify.directory import Directory
from owncast_cli.notify.notices import Notices
from owncast_cli.notify.router import Router
from owncast_cli.notify.shared import Shared
from owncast_cli.outbound.client import outbound_client

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.notify")


async def serve(ctx: Context, *, task_status: trio.TaskStatus[str] = trio.TASK_STATUS_IGNORED) -> None:
    if await browser.ensure_keys(ctx.bus, ctx.db):
        logger.info("browser push: VAPID keys generated")
    shared = await Shared.load(ctx)
    async with outbound_client(lambda: shared.allow) as client, trio.open_nursery() as nursery:
        nursery.start_soon(shared.run_writer)
        await nursery.start(Deliverer(shared, client).run)
        await nursery.start(Notices(shared, client).run)
        await nursery.start(Directory(shared, client).run)
        await nursery.start(Router(shared).run)
        logger.info("notify running")
        task_status.started("bus cursor notify")
        await ctx.stopping.wait()
        # What is in flight stays pending in the database and is sent again after a restart.
        nursery.cancel_scope.cancel()
