"""Publishing: store what we send in ``ap_outbox`` and queue one delivery per inbox, in one
transaction; the delivery worker sends them. The sync functions are units of work the CLI runs
too (``owncast federate post``, ``owncast followers approve``)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli.protocols.activitypub import activities
from owncast_cli.protocols.activitypub.actor import Profile
from owncast_cli.repos import ap_followers, ap_outbox, ap_queues

if TYPE_CHECKING:
    from owncast_cli.db import Database
    from owncast_cli.federate.service import FederateService


def new_iri(p: Profile) -> str:
    """A fresh IRI under ``/federation/`` (served by the object route)."""
    return f"{p.server_url}/federation/{secrets.token_hex(8)}"


def queue(db: Database, activity: dict[str, Any], now: float, *, obj: dict[str, Any] | None = None,
          inboxes: Sequence[str] | None = None, store: bool = True, live: bool = False) -> int:
    """Store ``activity`` (and its object) and queue its delivery to ``inboxes`` (every approved
    follower's, shared inboxes preferred, when None); run inside a write transaction.
    Returns how many deliveries were queued."""
    body = json.dumps(activity, separators=(",", ":")).encode()
    if store:
        if obj is not None:
            ap_outbox.add_object(db, obj["id"], obj, obj["type"], now, live_notification=live)
        ap_outbox.add_object(db, activity["id"], activity, activity["type"], now, live_notification=live)
    targets = ap_followers.delivery_inboxes(db) if inboxes is None else list(inboxes)
    return ap_queues.enqueue_deliveries(db, targets, activity["id"], body, now)


def note_activity(p: Profile, html: str, published: str, *, tags: Sequence[str] = (), image: str | None = None,
                  sensitive: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """A public (or, in private mode, followers-only) Create(Note): (activity, note)."""
    note = activities.note(p, new_iri(p), html, published, tags=tags, image=image, sensitive=sensitive)
    return activities.create(p, new_iri(p), note), note


class Outbox:
    def __init__(self, service: FederateService) -> None:
        self.service = service
        #: Set when deliveries were queued; the delivery worker waits on it.
        self.queued = trio.Event()

    def wake(self) -> None:
        self.queued.set()
        self.queued = trio.Event()

    async def send(self, activity: dict[str, Any], *, obj: dict[str, Any] | None = None,
                   inboxes: Sequence[str] | None = None, store: bool = True, live: bool = False) -> int:
        db, now = self.service.db, self.service.clock()
        count = await db.run_write(lambda: queue(db, activity, now, obj=obj, inboxes=inboxes, store=store,
                                                 live=live))
        self.wake()
        return count

    async def post_note(self, p: Profile, html: str, *, tags: Sequence[str] = (), image: str | None = None,
                        sensitive: bool = False, live: bool = False) -> dict[str, Any]:
        from owncast_cli.federate.service import rfc3339

        create, note = note_activity(p, html, rfc3339(self.service.clock()), tags=tags, image=image,
                                     sensitive=sensitive)
        await self.send(create, obj=note, live=live)
        return create

    async def update_profile(self, p: Profile) -> None:
        await self.send(activities.update_actor(p, new_iri(p)), store=False)
