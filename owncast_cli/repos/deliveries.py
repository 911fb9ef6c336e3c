"""The ``webhook_deliveries`` table: one row per (webhook, event), from queued to delivered or failed.

States: ``pending`` (to send, at ``next_attempt_at``), ``delivered`` (a 2xx came back) and
``failed`` (the dead-letter list: a permanent refusal, or retries ran out). The row holds the
exact body to send, built once when the event was routed, so a retry sends the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from owncast_cli.repos import webhooks
from owncast_cli.repos.base import Model
from owncast_cli.repos.webhooks import Webhook

if TYPE_CHECKING:
    from owncast_cli.db import Database

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class Delivery(Model):
    id = peewee.AutoField()
    webhook_id = peewee.IntegerField()
    event_id = peewee.IntegerField()
    event_type = peewee.TextField()
    body = peewee.TextField()
    state = peewee.TextField()
    attempts = peewee.IntegerField(default=0)
    created_at = peewee.FloatField()
    next_attempt_at = peewee.FloatField()
    last_attempt_at = peewee.FloatField(null=True)
    last_status = peewee.TextField(null=True)
    delivered_at = peewee.FloatField(null=True)
    failing_since = peewee.FloatField(null=True)

    class Meta:
        table_name = "webhook_deliveries"


@dataclass(frozen=True)
class Row:
    id: int
    webhook_id: int
    event_id: int
    event_type: str
    body: str
    state: str
    attempts: int
    created_at: float
    next_attempt_at: float
    last_attempt_at: float | None
    last_status: str | None
    delivered_at: float | None
    failing_since: float | None


def _row(r: Delivery) -> Row:
    return Row(int(r.id), int(r.webhook_id), int(r.event_id), r.event_type, r.body, r.state, int(r.attempts),
               r.created_at, r.next_attempt_at, r.last_attempt_at, r.last_status, r.delivered_at,
               r.failing_since)


def enqueue(db: Database, items: Iterable[tuple[int, int, str, str]], now: float) -> None:
    """Queue ``(webhook_id, event_id, event_type, body)`` rows; one already queued is left alone."""
    rows = [{"webhook_id": w, "event_id": e, "event_type": t, "body": b, "state": PENDING,
             "created_at": now, "next_attempt_at": now} for w, e, t, b in items]
    if rows:
        Delivery.insert_many(rows).on_conflict_ignore().bind(db.peewee).execute()


def next_pending(db: Database, webhook_id: int, after_id: int = 0, limit: int = 64) -> list[Row]:
    """The webhook's pending rows in order (per-webhook order is delivery order)."""
    query = (Delivery.select().where((Delivery.webhook_id == webhook_id) & (Delivery.state == PENDING)
                                     & (Delivery.id > after_id))
             .order_by(Delivery.id).limit(limit).bind(db.peewee))
    return [_row(r) for r in query]


def active_webhooks(db: Database) -> list[int]:
    """Webhooks that are not paused and have something pending."""
    query = (Delivery.select(Delivery.webhook_id).distinct()
             .join(Webhook, on=(Webhook.id == Delivery.webhook_id))
             .where((Delivery.state == PENDING) & Webhook.paused_at.is_null()).bind(db.peewee))
    return sorted(int(r.webhook_id) for r in query)


def mark_delivered(db: Database, delivery_id: int, webhook_id: int, status: str, now: float) -> None:
    """The row is delivered and its webhook was used now (plain SQL: this runs once per delivery,
    and building the two peewee queries cost more than running them)."""
    db.execute("UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_attempt_at = ?, "
               "last_status = ?, delivered_at = ?, failing_since = NULL WHERE id = ?",
               (DELIVERED, now, status, now, delivery_id))
    db.execute("UPDATE webhooks SET last_status = ?, last_used = ? WHERE id = ?", (status, now, webhook_id))


def mark_retry(db: Database, row: Row, status: str, now: float, next_at: float) -> None:
    Delivery.update({Delivery.attempts: Delivery.attempts + 1, Delivery.last_attempt_at: now,
                     Delivery.last_status: status, Delivery.next_attempt_at: next_at,
                     Delivery.failing_since: row.failing_since if row.failing_since is not None else now}) \
        .where(Delivery.id == row.id).bind(db.peewee).execute()


def mark_failed(db: Database, row: Row, status: str, now: float) -> None:
    """Park the row in the dead-letter list."""
    Delivery.update({Delivery.state: FAILED, Delivery.attempts: Delivery.attempts + 1,
                     Delivery.last_attempt_at: now, Delivery.last_status: status,
                     Delivery.failing_since: row.failing_since if row.failing_since is not None else now}) \
        .where(Delivery.id == row.id).bind(db.peewee).execute()


def replay(db: Database, delivery_id: int, now: float) -> Row | None:
    """Queue a dead-lettered (or delivered) row again, as new, and resume its webhook if it was
    paused; None when there is no such row."""
    updated = Delivery.update({Delivery.state: PENDING, Delivery.attempts: 0, Delivery.next_attempt_at: now,
                               Delivery.failing_since: None, Delivery.delivered_at: None}) \
        .where(Delivery.id == delivery_id).bind(db.peewee).execute()
    if not updated:
        return None
    row = get(db, delivery_id)
    assert row is not None
    webhooks.resume(db, row.webhook_id)
    return row


def get(db: Database, delivery_id: int) -> Row | None:
    row = Delivery.select().where(Delivery.id == delivery_id).bind(db.peewee).first()
    return None if row is None else _row(row)


def failures(db: Database, webhook_id: int | None = None, limit: int = 100) -> list[Row]:
    """The dead-letter list, newest first."""
    where = Delivery.state == FAILED
    if webhook_id is not None:
        where &= Delivery.webhook_id == webhook_id
    query = Delivery.select().where(where).order_by(Delivery.id.desc()).limit(limit).bind(db.peewee)
    return [_row(r) for r in query]


def pending_counts(db: Database) -> dict[int, int]:
    """Pending rows per webhook id."""
    query = (Delivery.select(Delivery.webhook_id, peewee.fn.COUNT(Delivery.id))
             .where(Delivery.state == PENDING).group_by(Delivery.webhook_id).bind(db.peewee))
    return {int(webhook_id): int(count) for webhook_id, count in query.tuples().iterator()}


def prune_delivered(db: Database, older_than: float) -> int:
    """Forget delivered rows older than ``older_than`` (dead letters stay until replayed)."""
    return int(Delivery.delete().where((Delivery.state == DELIVERED) & (Delivery.delivered_at < older_than))
               .bind(db.peewee).execute())
