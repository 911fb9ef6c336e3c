"""The federate daemon's durable queues: inbound activities to handle, deliveries to make, and
the per-domain circuit breaker. Rows survive a crash; a row is done only when its work is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class InboxItem(Model):
    id = peewee.AutoField()
    activity_id = peewee.TextField(unique=True)
    body = peewee.TextField()
    received_at = peewee.FloatField()
    done_at = peewee.FloatField(null=True)

    class Meta:
        table_name = "ap_inbox_queue"


class Delivery(Model):
    id = peewee.AutoField()
    inbox = peewee.TextField()
    activity_iri = peewee.TextField()
    body = peewee.TextField()
    attempts = peewee.IntegerField(default=0)
    next_at = peewee.FloatField()
    created_at = peewee.FloatField()
    delivered_at = peewee.FloatField(null=True)
    failed_at = peewee.FloatField(null=True)
    last_error = peewee.TextField(default="")

    class Meta:
        table_name = "ap_delivery_queue"


class Domain(Model):
    domain = peewee.TextField(primary_key=True)
    failures = peewee.IntegerField(default=0)
    open_until = peewee.FloatField(default=0)

    class Meta:
        table_name = "ap_domains"


@dataclass(frozen=True)
class Pending:
    id: int
    inbox: str
    activity_iri: str
    body: bytes
    attempts: int
    created_at: float


# --- inbox ------------------------------------------------------------------------------------

def enqueue_inbound(db: Database, activity_id: str, body: dict[str, Any], now: float) -> bool:
    """Queue a verified activity; False when this activity id was queued before (idempotence)."""
    if InboxItem.select().where(InboxItem.activity_id == activity_id).bind(db.peewee).exists():
        return False
    InboxItem.insert(activity_id=activity_id, body=json.dumps(body), received_at=now).bind(db.peewee).execute()
    return True


def next_inbound(db: Database, limit: int) -> list[tuple[int, dict[str, Any]]]:
    query = InboxItem.select(InboxItem.id, InboxItem.body).where(InboxItem.done_at.is_null(True)) \
        .order_by(InboxItem.id).limit(limit)
    return [(r.id, json.loads(r.body)) for r in query.bind(db.peewee)]


def inbound_done(db: Database, item_id: int, now: float) -> None:
    InboxItem.update(done_at=now).where(InboxItem.id == item_id).bind(db.peewee).execute()


def inbound_pending_count(db: Database) -> int:
    return int(InboxItem.select().where(InboxItem.done_at.is_null(True)).bind(db.peewee).count())


# --- deliveries -------------------------------------------------------------------------------

def enqueue_deliveries(db: Database, inboxes: list[str], activity_iri: str, body: bytes, now: float) -> int:
    """One delivery per inbox; an (inbox, activity) pair already queued is not queued again."""
    rows = [dict(inbox=i, activity_iri=activity_iri, body=body.decode(), next_at=now, created_at=now)
            for i in inboxes]
    before = Delivery.select().bind(db.peewee).count()
    for start in range(0, len(rows), 500):
        Delivery.insert_many(rows[start:start + 500]).on_conflict_ignore().bind(db.peewee).execute()
    return int(Delivery.select().bind(db.peewee).count() - before)


def due(db: Database, now: float, limit: int) -> list[Pending]:
    query = Delivery.select().where(Delivery.delivered_at.is_null(True) & Delivery.failed_at.is_null(True)
                                    & (Delivery.next_at <= now)).order_by(Delivery.next_at, Delivery.id).limit(limit)
    return [Pending(r.id, r.inbox, r.activity_iri, r.body.encode(), r.attempts, r.created_at)
            for r in query.bind(db.peewee)]


def next_due_at(db: Database) -> float | None:
    row = Delivery.select(peewee.fn.MIN(Delivery.next_at).alias("t")) \
        .where(Delivery.delivered_at.is_null(True) & Delivery.failed_at.is_null(True)).bind(db.peewee).first()
    return row.t if row and row.t is not None else None


def delivered(db: Database, delivery_id: int, now: float) -> None:
    Delivery.update(delivered_at=now, attempts=Delivery.attempts + 1, last_error="") \
        .where(Delivery.id == delivery_id).bind(db.peewee).execute()


def retry_later(db: Database, delivery_id: int, next_at: float, error: str, *, count: bool = True) -> None:
    """Put a delivery back for ``next_at`` (``count=False``: the breaker held it, not a failure)."""
    changes: dict[Any, Any] = {Delivery.next_at: next_at, Delivery.last_error: error[:500]}
    if count:
        changes[Delivery.attempts] = Delivery.attempts + 1
    Delivery.update(changes).where(Delivery.id == delivery_id).bind(db.peewee).execute()


def give_up(db: Database, delivery_id: int, now: float, error: str) -> None:
    Delivery.update(failed_at=now, attempts=Delivery.attempts + 1, last_error=error[:500]) \
        .where(Delivery.id == delivery_id).bind(db.peewee).execute()


def delivery_counts(db: Database) -> dict[str, int]:
    """How many deliveries are pending, delivered and failed."""
    rows = Delivery.select(
        peewee.fn.SUM(Delivery.delivered_at.is_null(True) & Delivery.failed_at.is_null(True)).alias("pending"),
        peewee.fn.SUM(Delivery.delivered_at.is_null(False)).alias("delivered"),
        peewee.fn.SUM(Delivery.failed_at.is_null(False)).alias("failed"),
    ).bind(db.peewee).dicts().first() or {}
    return {k: int(rows.get(k) or 0) for k in ("pending", "delivered", "failed")}


def prune(db: Database, before: float) -> int:
    """Forget finished work older than ``before``: handled inbound activities (their ids no longer
    dedupe: servers do not redeliver after a week) and delivered or abandoned deliveries."""
    inbound = InboxItem.delete().where(InboxItem.done_at < before).bind(db.peewee).execute()
    finished = Delivery.delete().where((Delivery.delivered_at < before) | (Delivery.failed_at < before)) \
        .bind(db.peewee).execute()
    return int(inbound) + int(finished)


# --- circuit breaker --------------------------------------------------------------------------

def breaker_open_until(db: Database, domain: str) -> float:
    row = Domain.select(Domain.open_until).where(Domain.domain == domain).bind(db.peewee).first()
    return float(row.open_until) if row else 0.0


def domain_failed(db: Database, domain: str, threshold: int, open_for: float, now: float) -> int:
    """Count a failure; after ``threshold`` in a row the breaker opens for ``open_for`` seconds."""
    Domain.insert(domain=domain, failures=0, open_until=0).on_conflict_ignore().bind(db.peewee).execute()
    row = Domain.select().where(Domain.domain == domain).bind(db.peewee).first()
    failures = int(row.failures) + 1
    until = now + open_for if failures >= threshold else float(row.open_until)
    Domain.update(failures=failures, open_until=until).where(Domain.domain == domain).bind(db.peewee).execute()
    return failures


def domain_ok(db: Database, domain: str) -> None:
    Domain.delete().where(Domain.domain == domain).bind(db.peewee).execute()
