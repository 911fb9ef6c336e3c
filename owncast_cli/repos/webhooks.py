"""The ``webhooks`` table: outbound webhooks the admin created (nothing delivers them yet: issue 12)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class Webhook(Model):
    id = peewee.AutoField()
    url = peewee.TextField()
    events = peewee.TextField()  # Owncast's event type names, a JSON list
    secret = peewee.TextField(default="")
    timestamp = peewee.FloatField()
    last_used = peewee.FloatField(null=True)

    class Meta:
        table_name = "webhooks"


@dataclass(frozen=True)
class Hook:
    """One webhook: where to POST, for which Owncast event types, and when it was last used."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    timestamp: float
    last_used: float | None


def _hook(row: Webhook) -> Hook:
    return Hook(int(row.id), str(row.url), tuple(json.loads(row.events)), str(row.secret),
                float(row.timestamp), None if row.last_used is None else float(row.last_used))


def all_webhooks(db: Database) -> list[Hook]:
    """Every webhook, oldest first."""
    return [_hook(row) for row in Webhook.select().order_by(Webhook.id).bind(db.peewee)]


def create(db: Database, url: str, events: list[str], secret: str, now: float) -> Hook:
    """Add a webhook; returns it with its new id."""
    webhook_id = Webhook.insert(url=url, events=json.dumps(events), secret=secret, timestamp=now) \
        .bind(db.peewee).execute()
    return Hook(int(webhook_id), url, tuple(events), secret, now, None)


def delete(db: Database, webhook_id: int) -> bool:
    """Remove a webhook; False when there was none with that id."""
    return bool(Webhook.delete().where(Webhook.id == webhook_id).bind(db.peewee).execute())
