"""Fixtures for the notify tests: the daemon in-process on a migrated copy, a real HTTP receiver."""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trio

from owncast_cli.bus import Bus, open_bus
from owncast_cli.bus.catalog import WebhooksChanged
from owncast_cli.config import ConfigStore
from owncast_cli.daemons.context import Context
from owncast_cli.db import Database, open_database
from owncast_cli.plugins import load_plugins
from owncast_cli.repos import webhooks
from owncast_cli.settings import Settings
from tests.notify.receiver import Receiver


@pytest.fixture
def notify_db(datadir: Path, template_db: Path) -> Iterable[Database]:
    shutil.copy(template_db, datadir / "owncast.db")
    db = open_database(datadir / "owncast.db")
    set_config(db, outbound_allowed_hosts=["127.0.0.1"])
    try:
        yield db
    finally:
        db.close()


def set_config(db: Database, **values: Any) -> None:
    """Change config as ``owncast config set`` does (the change is not published)."""
    store = ConfigStore(db)
    db.write(lambda: store.apply(store.plan(values)))


@dataclass
class Running:
    ctx: Context
    bus: Bus
    nursery: trio.Nursery

    async def add_webhook(self, url: str, events: list[str], secret: str = "s3cret") -> int:
        db, made = self.ctx.db, []

        def effect() -> list[WebhooksChanged]:
            made.append(webhooks.create(db, url, events, secret, time.time()).id)
            return [WebhooksChanged(made[0], "created")]

        await self.bus.publish_many([], effect=effect)
        return made[0]

    async def set_config(self, **values: Any) -> None:
        """Change config as the admin API does: stored and published in one transaction."""
        store = self.ctx.config
        changes = await self.ctx.db.run(lambda: store.plan(values))
        await self.bus.publish_many([], effect=lambda: store.apply(changes))


@asynccontextmanager
async def running_notify(db: Database, datadir: Path, *, start: bool = True,
                         bus_clock: Callable[[], float] = time.time) -> AsyncIterator[Running]:
    """A bus (stamping events with ``bus_clock``) and, unless ``start`` is False, the notify
    daemon, in this process."""
    from owncast_cli.notify.daemon import serve

    settings = Settings(datadir=datadir)
    async with open_bus(db, settings.run_dir, "test", clock=bus_clock) as bus, trio.open_nursery() as nursery:
        ctx = Context(settings, db, bus, load_plugins(None, entry_points=False))
        if start:
            await nursery.start(serve, ctx)
        yield Running(ctx, bus, nursery)
        ctx.stopping.set()
        nursery.cancel_scope.cancel()


@asynccontextmanager
async def receiver(answer: Any = None) -> AsyncIterator[Receiver]:
    got = Receiver(answer)
    async with trio.open_nursery() as nursery:
        await nursery.start(got.serve)
        yield got
        nursery.cancel_scope.cancel()


async def until(db: Database, check: Any, timeout: float = 10) -> Any:
    """Poll the shared database (another task or process writes it) until ``check(db)`` is truthy."""
    with trio.fail_after(timeout):
        while not (value := await db.run(lambda: check(db))):
            await trio.sleep(0.02)
    return value
