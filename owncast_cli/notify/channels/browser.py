"""Browser push (Web Push with VAPID), as Owncast sends it (``services/notifications/browser``):
``{title: server name, body: goLiveMessage, icon: "/logo/external"}``, Topic ``owncast-go-live``,
TTL 120; a 404 or 410 from the push service removes the subscription."""

from __future__ import annotations

import json
import logging
import time
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import httpx

from owncast_cli.notify.channels import GO_LIVE, Occasion
from owncast_cli.outbound.guard import OutboundRefused
from owncast_cli.protocols import webpush
from owncast_cli.repos import notifications

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.db import Database

logger = logging.getLogger("owncast.notify")

TOPIC: Final = "owncast-go-live"
TTL: Final = 120
#: Not really the subscriber, but a contact point for the sender (Owncast's words).
SUBSCRIBER: Final = "owncast@owncast.online"


def message(go_live_message: str, occasion: Occasion) -> bytes:
    body = go_live_message if occasion.kind == GO_LIVE else occasion.text
    return json.dumps({"title": occasion.server_name, "body": body, "icon": "/logo/external"},
                      separators=(",", ":"), ensure_ascii=False).encode()


def from_config(config: ConfigValues, db: Database) -> Browser | None:
    """The channel, when browser push is on, has its keys and somebody subscribed (sync)."""
    if not config.browser_push_configuration.get("enabled"):
        return None
    if not config.browser_push_public_key or not config.browser_push_private_key:
        return None
    subscribers = notifications.destinations(db, notifications.BROWSER_PUSH)
    return Browser(config, db, subscribers) if subscribers else None


class Browser:
    name = "browser"

    def __init__(self, config: ConfigValues, db: Database, subscribers: list[str]) -> None:
        self.db, self.subscribers = db, subscribers
        self.public, self.private = config.browser_push_public_key, config.browser_push_private_key
        self.go_live_message = str(config.browser_push_configuration.get("goLiveMessage", ""))

    async def send(self, client: httpx.AsyncClient, occasion: Occasion) -> Any:
        """``{"sent", "removed", "failed"}`` counts over every subscription."""
        counts = {"sent": 0, "removed": 0, "failed": 0}
        plaintext = message(self.go_live_message, occasion)
        for destination in self.subscribers:
            outcome = await self._push(client, destination, plaintext)
            counts[outcome] += 1
            if outcome == "removed":
                await self.db.run_write(partial(notifications.remove, self.db, notifications.BROWSER_PUSH,
                                                destination))
        return counts

    async def _push(self, client: httpx.AsyncClient, destination: str, plaintext: bytes) -> str:
        try:
            sub = webpush.Subscription.parse(destination)
        except ValueError:
            return "removed"  # stored before subscriptions were checked: it can never be sent to
        headers = {"Authorization": webpush.vapid_header(sub.endpoint, self.private, self.public, SUBSCRIBER,
                                                         int(time.time())),
                   "TTL": str(TTL), "Topic": TOPIC, "Content-Encoding": "aes128gcm",
                   "Content-Type": "application/octet-stream"}
        try:
            response = await client.post(sub.endpoint, content=webpush.encrypt(plaintext, sub), headers=headers)
        except (httpx.HTTPError, OutboundRefused) as exc:
            logger.warning("browser push to %s failed: %s", sub.endpoint.split("/")[2], exc)
            return "failed"
        if response.status_code in (404, 410):
            return "removed"  # the browser unsubscribed, or the push service forgot it
        return "sent" if response.is_success else "failed"


async def ensure_keys(bus: Any, db: Database) -> bool:
    """Generate the VAPID keys once, as Owncast does at start, and publish the change so serve's
    ``/api/config`` offers the public key; False when they existed already."""
    from owncast_cli.config import ConfigStore

    store = ConfigStore(db)
    made: list[bool] = []

    def effect() -> Any:
        if store.get("browser_push_public_key") and store.get("browser_push_private_key"):
            return []
        private, public = webpush.generate_vapid_keys()
        made.append(True)
        return store.apply(store.plan({"browser_push_private_key": private, "browser_push_public_key": public}))

    await bus.publish_many([], effect=effect)
    return bool(made)
