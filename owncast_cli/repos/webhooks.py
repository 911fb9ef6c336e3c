"""The ``webhooks`` table: outbound webhooks the admin created, and their delivery health."""

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
    paused_at = peewee.FloatField(null=True)
    paused_reason = peewee.TextField(null=True)
    last_status = peewee.TextField(null=True)

    class Meta:
        table_name = "webhooks"


@dataclass(frozen=True)
class Hook:
    """One webhook: where to POST, for which Owncast event types, and how delivery goes."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    timestamp: float
    last_used: float | None
    paused_at: float | None = None
    paused_reason: str | None = None
    #: The last attempt's outcome: an HTTP status code ("200") or the error that stopped it.
    last_status: str | None = None


def _hook(row: Webhook) -> Hook:
    return Hook(int(row.id), str(row.url), tuple(json.loads(row.events)), str(row.secret),
                float(row.timestamp), None if row.last_used is None else float(row.last_used),
                row.paused_at, row.paused_reason, row.last_status)


def all_webhooks(db: Database) -> list[Hook]:
    """Every webhook, oldest first."""
    return [_hook(row) for row in Webhook.select().order_by(Webhook.id).bind(db.peewee)]


def get(db: Database, webhook_id: int) -> Hook | None:
    row = Webhook.select().where(Webhook.id == webhook_id).bind(db.peewee).first()
    return None if row is None else _hook(row)


def subscribed(db: Database, event_type: str) -> list[Hook]:
    """The webhooks that asked for ``event_type``, oldest first."""
    return [hook for hook in all_webhooks(db) if event_type in hook.events]


def create(db: Database, url: str, events: list[str], secret: str, now: float) -> Hook:
    """Add a webhook; returns it with its new id."""
    webhook_id = Webhook.insert(url=url, events=json.dumps(events), secret=secret, timestamp=now) \
        .bind(db.peewee).execute()
    return Hook(int(webhook_id), url, tuple(events), secret, now, None)


def delete(db: Database, webhook_id: int) -> bool:
    """Remove a webhook (and, by cascade, its deliveries); False when there was none with that id."""
    return bool(Webhook.delete().where(Webhook.id == webhook_id).bind(db.peewee).execute())


def record_failure(db: Database, webhook_id: int, status: str) -> None:
    """Note a failed attempt's outcome (a delivered one is noted with the delivery)."""
    Webhook.update({Webhook.last_status: status}).where(Webhook.id == webhook_id).bind(db.peewee).execute()


def pause(db: Database, webhook_id: int, reason: str, now: float) -> None:
    Webhook.update({Webhook.paused_at: now, Webhook.paused_reason: reason}) \
        .where(Webhook.id == webhook_id).bind(db.peewee).execute()


def resume(db: Database, webhook_id: int) -> bool:
    """Let a paused webhook be delivered to again; False when there is no such webhook."""
    return bool(Webhook.update({Webhook.paused_at: None, Webhook.paused_reason: None})
                .where(Webhook.id == webhook_id).bind(db.peewee).execute())
