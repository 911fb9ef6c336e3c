"""``ap_outbox`` (everything we published, served by IRI) and ``ap_accepted_activities``
(inbound follows, likes and boosts: de-duplication and the admin's list)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class ApOutbox(Model):
    iri = peewee.TextField(primary_key=True)
    value = peewee.TextField()
    type = peewee.TextField()
    created_at = peewee.FloatField()
    live_notification = peewee.BooleanField(default=False)

    class Meta:
        table_name = "ap_outbox"


class ApAccepted(Model):
    id = peewee.AutoField()
    iri = peewee.TextField()
    actor = peewee.TextField()
    type = peewee.TextField()
    timestamp = peewee.FloatField()

    class Meta:
        table_name = "ap_accepted_activities"


@dataclass(frozen=True)
class Action:
    iri: str
    actor: str
    type: str
    timestamp: float


def add_object(db: Database, iri: str, value: dict[str, Any], kind: str, now: float,
               live_notification: bool = False) -> None:
    ApOutbox.insert(iri=iri, value=json.dumps(value), type=kind, created_at=now,
                    live_notification=live_notification).on_conflict_ignore().bind(db.peewee).execute()


def get_object(db: Database, iri: str) -> tuple[dict[str, Any], str, float, bool] | None:
    """(value, type, created_at, live_notification) of a published object or activity."""
    row = ApOutbox.select().where(ApOutbox.iri == iri).bind(db.peewee).first()
    return (json.loads(row.value), row.type, row.created_at, bool(row.live_notification)) if row else None


def activities(db: Database, limit: int, offset: int) -> list[dict[str, Any]]:
    """Published Create activities, newest first (the outbox collection's items)."""
    query = ApOutbox.select(ApOutbox.value).where(ApOutbox.type == "Create") \
        .order_by(ApOutbox.created_at.desc()).limit(limit).offset(offset)
    return [json.loads(r.value) for r in query.bind(db.peewee)]


def activity_count(db: Database) -> int:
    return int(ApOutbox.select().where(ApOutbox.type == "Create").bind(db.peewee).count())


def note_count(db: Database) -> int:
    """Owncast's ``localPosts``: the Notes we published."""
    return int(ApOutbox.select().where(ApOutbox.type == "Note").bind(db.peewee).count())


def last_live_notification(db: Database) -> float | None:
    row = ApOutbox.select(peewee.fn.MAX(ApOutbox.created_at).alias("t")) \
        .where(ApOutbox.live_notification == True).bind(db.peewee).first()  # noqa: E712
    return row.t if row and row.t is not None else None


def accept_once(db: Database, iri: str, actor: str, kind: str, now: float) -> bool:
    """Record engagement (kind FOLLOW, LIKE or REPOST) once per (object, actor, kind); False if seen
    (run it inside a write transaction)."""
    seen = ApAccepted.select().where((ApAccepted.iri == iri) & (ApAccepted.actor == actor)
                                     & (ApAccepted.type == kind)).bind(db.peewee).exists()
    if not seen:
        ApAccepted.insert(iri=iri, actor=actor, type=kind, timestamp=now).bind(db.peewee).execute()
    return not seen


def actions(db: Database, limit: int, offset: int) -> tuple[int, list[Action]]:
    total = int(ApAccepted.select().bind(db.peewee).count())
    query = ApAccepted.select().order_by(ApAccepted.timestamp.desc(), ApAccepted.id.desc()) \
        .limit(limit).offset(offset)
    return total, [Action(r.iri, r.actor, r.type, r.timestamp) for r in query.bind(db.peewee)]
