"""The ``notifications`` table (Owncast's): who asked to be told when the stream goes live."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database

#: Owncast's only channel: the destination is a browser's PushSubscription JSON.
BROWSER_PUSH: Final = "BROWSER_PUSH_NOTIFICATION"


class Notification(Model):
    id = peewee.AutoField()
    channel = peewee.TextField()
    destination = peewee.TextField()
    created_at = peewee.FloatField()

    class Meta:
        table_name = "notifications"


def add(db: Database, channel: str, destination: str, now: float) -> None:
    """Save a destination (the same one twice is kept once)."""
    Notification.insert(channel=channel, destination=destination, created_at=now) \
        .on_conflict_ignore().bind(db.peewee).execute()


def remove(db: Database, channel: str, destination: str) -> bool:
    return bool(Notification.delete().where((Notification.channel == channel)
                                            & (Notification.destination == destination)).bind(db.peewee).execute())


def destinations(db: Database, channel: str) -> list[str]:
    query = Notification.select(Notification.destination).where(Notification.channel == channel) \
        .order_by(Notification.id).bind(db.peewee)
    return [str(row.destination) for row in query]
