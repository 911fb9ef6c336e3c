"""The Owncast directory (``yp/yp.go``): while live, POST ``{key, url}`` to ``<directory>/api/ping``
every 4 minutes and keep the key it returns; the directory then scrapes ``/api/yp``.

Two of Owncast's defects are fixed: its first ping waited 4 minutes (the ticker's first tick),
and it stored the key it had sent instead of the one the directory returned.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import httpx
import trio

from owncast_cli import state
from owncast_cli.config import ConfigStore
from owncast_cli.outbound.guard import OutboundRefused

if TYPE_CHECKING:
    from owncast_cli.notify.shared import Shared

logger = logging.getLogger("owncast.notify")

PING_SECONDS: Final = 240.0


def ping_body(key: str, server_url: str) -> dict[str, str]:
    return {"key": key, "url": server_url}


def usable_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.netloc)


class Directory:
    def __init__(self, shared: Shared, client: httpx.AsyncClient) -> None:
        self.shared = shared
        self.client = client
        self.warned = False  # say once, not every 4 minutes, what keeps the listing off

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        task_status.started()
        while True:
            woken = self.shared.directory_wake  # taken before reading, so no wake-up falls between
            await self.ping_if_listed()
            with trio.move_on_after(PING_SECONDS):
                await woken.wait()

    async def ping_if_listed(self) -> dict[str, Any] | None:
        """One ping when the directory is on, the server URL usable and the stream live; the answer."""
        config, db = self.shared.config, self.shared.ctx.db
        if not config.directory_enabled or not (await db.run(lambda: state.stream(db)))["online"]:
            return None
        if not usable_url(config.server_url):
            if not self.warned:
                logger.warning("directory: set server_url to this server's public URL to be listed")
            self.warned = True
            return None
        key = config.directory_registration_key
        try:
            response = await self.client.post(config.directory_url.rstrip("/") + "/api/ping",
                                              json=ping_body(key, config.server_url))
            answer = response.json()
        except (httpx.HTTPError, OutboundRefused, ValueError) as exc:
            logger.warning("directory ping failed: %s", exc)
            return None
        if not isinstance(answer, dict) or not answer.get("success"):
            if not self.warned:
                logger.warning("directory refused the listing: %s", answer.get("error") if isinstance(answer, dict)
                               else answer)
            self.warned = True
            return answer if isinstance(answer, dict) else None
        self.warned = False
        new = answer.get("key")
        if isinstance(new, str) and new and new != key:
            store = ConfigStore(db)
            changes = await db.run(lambda: store.plan({"directory_registration_key": new}))
            await self.shared.ctx.bus.publish_many([], effect=lambda: store.apply(changes))
        return answer
