"""The admin's decisions on followers, as units of work the admin API and the CLI share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from owncast_cli.bus.catalog import FediverseEngagement
from owncast_cli.federate import content
from owncast_cli.federate.outbox import new_iri, note_activity, queue
from owncast_cli.federate.service import make_profile, rfc3339
from owncast_cli.protocols.activitypub import activities
from owncast_cli.repos import ap_followers, ap_outbox

if TYPE_CHECKING:
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.config import ConfigValues
    from owncast_cli.db import Database

FOLLOWED: str = "{name} followed this stream."


class NoSuchFollower(LookupError):
    pass


def follow_event(f: ap_followers.Follower, now: float) -> FediverseEngagement:
    name = f.name or f.username
    return FediverseEngagement(kind="follow", actor_iri=f.iri, name=name, username=f.username, image=f.image,
                               link=f.link or f.iri, body=FOLLOWED.replace("{name}", name), time=rfc3339(now))


def approve(db: Database, c: ConfigValues, iri: str, now: float) -> list[BusEvent]:
    """Approve a request (or lift a block): queue Accept(Follow), announce the follow once."""
    follower = ap_followers.approve(db, iri, now)
    if follower is None:
        raise NoSuchFollower(f"no follow request or follower from {iri}")
    p = make_profile(c)
    request = follower.request_object or {"id": follower.request, "type": "Follow", "actor": iri, "object": p.iri}
    queue(db, activities.accept(p, new_iri(p), request), now, inboxes=[follower.inbox], store=False)
    if ap_outbox.accept_once(db, p.iri, iri, "FOLLOW", now):
        return [follow_event(follower, now)]
    return []


def block(db: Database, iri: str, now: float) -> None:
    if not ap_followers.block(db, iri, now):
        raise NoSuchFollower(f"no follow request or follower from {iri}")


def remove(db: Database, iri: str) -> None:
    if not ap_followers.remove(db, iri):
        raise NoSuchFollower(f"no follow request or follower from {iri}")


def post(db: Database, c: ConfigValues, markdown: str, now: float) -> int:
    """An admin's post to every follower; returns how many deliveries were queued."""
    html, tags = content.manual(markdown)
    create, note = note_activity(make_profile(c), html, rfc3339(now), tags=tags, sensitive=c.nsfw)
    return queue(db, create, now, obj=note)
