"""The fediverse's events: federate reports engagement, others ask federate to send."""

from __future__ import annotations

from dataclasses import dataclass

from owncast_cli.bus.eventtype import BusEvent, event_type


@event_type("fediverse.engagement", publishers=("federate",))
@dataclass(frozen=True)
class FediverseEngagement(BusEvent):
    """A remote actor followed us (once accepted), liked or boosted one of our posts.

    Chat shows ``body`` (Owncast's text, e.g. "X followed this stream.") when
    ``federation_show_engagement`` is on; notify turns ``follow`` into the
    FEDIVERSE_ENGAGEMENT_FOLLOW webhook.
    """

    kind: str  # "follow", "like" or "repost" (Owncast's FEDIVERSE_ENGAGEMENT_FOLLOW/LIKE/REPOST)
    actor_iri: str
    name: str  # the actor's display name, HTML stripped
    username: str  # user@host
    image: str | None  # the actor's avatar URL
    link: str  # the actor's profile page
    body: str
    time: str  # RFC 3339


@event_type("fediverse.direct_message_requested", publishers=("chat",))
@dataclass(frozen=True)
class FediverseDirectMessageRequested(BusEvent):
    """Send ``text`` as a direct message to ``account`` (``user@host``), e.g. a sign-in code."""

    account: str
    text: str
