"""What each inbound activity does (Owncast's ``inbox/`` resolvers, one function per type)."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from owncast_cli.bus.catalog import FediverseEngagement
from owncast_cli.federate.followers import FOLLOWED
from owncast_cli.federate.outbox import new_iri
from owncast_cli.federate.remote import RemoteError
from owncast_cli.federate.service import rfc3339
from owncast_cli.protocols.activitypub import activities
from owncast_cli.protocols.activitypub.parse import Activity, ActivityError, RemoteActor, remote_actor, types
from owncast_cli.repos import ap_followers, ap_outbox

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.federate.daemon import Federate

logger = logging.getLogger("owncast.federate.inbox")

#: Owncast ignores likes and boosts of posts older than this (seconds).
ENGAGEMENT_MAX_AGE: Final = 36 * 3600
_TAGS = re.compile(r"<[^>]*>")
ACTOR_TYPES: Final = frozenset({"Person", "Service", "Application", "Group", "Organization"})


def plain(name: str) -> str:
    """An actor's name with HTML stripped (Owncast shows it in chat)."""
    return html.unescape(_TAGS.sub("", name)).strip()


async def engagement(fed: Federate, kind: str, who: RemoteActor, body: str, iri: str, owncast_type: str) -> None:
    """Record engagement once per (object, actor, type) and publish it on the bus the first time."""
    db, now = fed.service.db, fed.service.clock()
    name = plain(who.name) or who.username
    event = FediverseEngagement(kind=kind, actor_iri=who.id, name=name, username=who.username,
                                image=who.image, link=who.url, body=body.replace("{name}", name),
                                time=rfc3339(now))

    def effect() -> list[FediverseEngagement]:
        return [event] if ap_outbox.accept_once(db, iri, who.id, owncast_type, now) else []

    await fed.ctx.bus.publish_many([], effect=effect)


async def follow(fed: Federate, act: Activity, c: ConfigValues) -> None:
    p = fed.service.profile(c)
    if act.object_iri != p.iri:
        logger.info("ignored a Follow of %s (not our actor)", act.object_iri)
        return
    who = await fed.remote.actor(act.actor)
    db, now = fed.service.db, fed.service.clock()
    request = {k: v for k, v in act.raw.items() if k != "@context"}
    follower = await db.run_write(lambda: ap_followers.upsert_request(
        db, iri=who.id, inbox=who.inbox, shared_inbox=who.shared_inbox, name=plain(who.name),
        username=who.username, image=who.image, link=who.url, request=act.id, request_object=request,
        now=now, approved=not c.federation_private))
    if follower.approved_at is not None and follower.disabled_at is None:
        await accept_follow(fed, c, who, request)
    else:
        logger.info("follow request from %s waits for approval (private mode)", who.id)


async def accept_follow(fed: Federate, c: ConfigValues, who: RemoteActor, request: dict[str, object]) -> None:
    """Send Accept(Follow) to the follower's own inbox; announce the follow once."""
    p = fed.service.profile(c)
    await fed.outbox.send(activities.accept(p, new_iri(p), request), inboxes=[who.inbox], store=False)
    await engagement(fed, "follow", who, FOLLOWED, p.iri, "FOLLOW")


async def undo(fed: Federate, act: Activity, c: ConfigValues) -> None:
    db = fed.service.db
    follower = await db.run(lambda: ap_followers.get(db, act.actor))
    undone_follow = act.object_type == "Follow" or (follower is not None and act.object_iri == follower.request)
    if not undone_follow or follower is None or follower.disabled_at is not None:
        return  # Owncast ignores other Undos; a blocked actor stays blocked
    await db.run_write(lambda: ap_followers.remove(db, act.actor))
    logger.info("%s unfollowed", act.actor)


async def _engage(fed: Federate, act: Activity, c: ConfigValues, kind: str, owncast_type: str,
                  live_text: str, post_text: str) -> None:
    db = fed.service.db
    target = act.object_iri or ""
    found = await db.run(lambda: ap_outbox.get_object(db, target))
    if found is None:
        logger.info("ignored a %s of %s (not one of our posts)", act.type, target)
        return
    _, _, created, live = found
    if fed.service.clock() - created > ENGAGEMENT_MAX_AGE:
        logger.info("ignored a %s of %s (older than 36 h)", act.type, target)
        return
    who = await fed.remote.actor(act.actor)
    text = live_text if live else post_text.replace("{server}", c.server_name)
    await engagement(fed, kind, who, text, target, owncast_type)


async def like(fed: Federate, act: Activity, c: ConfigValues) -> None:
    await _engage(fed, act, c, "like", "LIKE", "{name} liked that this stream went live.",
                  "{name} liked a post from {server}.")


async def announce(fed: Federate, act: Activity, c: ConfigValues) -> None:
    await _engage(fed, act, c, "repost", "REPOST", "{name} shared this stream with their followers.",
                  "{name} shared a post from {server}.")


async def update(fed: Federate, act: Activity, c: ConfigValues) -> None:
    if not act.object or not ACTOR_TYPES & set(types(act.object)):
        return
    try:
        who = remote_actor(act.object)
    except ActivityError:
        return
    if who.id != act.actor:
        return  # an actor updates only itself
    db = fed.service.db
    fed.remote.remember(who, fed.service.clock())
    await db.run_write(lambda: ap_followers.update_profile(
        db, who.id, inbox=who.inbox, shared_inbox=who.shared_inbox, name=plain(who.name),
        username=who.username, image=who.image, link=who.url))


async def delete(fed: Federate, act: Activity, c: ConfigValues) -> None:
    if act.object_iri != act.actor:
        return  # only the deletion of an account concerns us
    db = fed.service.db
    await db.run_write(lambda: ap_followers.remove(db, act.actor))
    logger.info("%s deleted its account: no longer a follower", act.actor)


Handler = Callable[["Federate", Activity, "ConfigValues"], Awaitable[None]]
HANDLERS: Final[dict[str, Handler]] = {
    "Follow": follow, "Undo": undo, "Like": like, "Announce": announce, "Update": update, "Delete": delete,
}


async def handle(fed: Federate, act: Activity, c: ConfigValues) -> None:
    """Run the activity's handler; unknown types (Create, ...) are ignored as Owncast does."""
    handler = HANDLERS.get(act.type)
    if handler is None:
        return
    try:
        await handler(fed, act, c)
    except RemoteError as exc:
        logger.warning("could not handle %s %s: %s", act.type, act.id, exc)
