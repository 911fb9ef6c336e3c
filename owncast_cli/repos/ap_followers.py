"""The ``ap_followers`` table: followers, follow requests and blocked actors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class ApFollower(Model):
    iri = peewee.TextField(primary_key=True)
    inbox = peewee.TextField()
    shared_inbox = peewee.TextField(null=True)
    name = peewee.TextField(default="")
    username = peewee.TextField(default="")
    image = peewee.TextField(null=True)
    link = peewee.TextField(default="")
    request = peewee.TextField(default="")
    request_object = peewee.TextField(default="{}")
    created_at = peewee.FloatField()
    approved_at = peewee.FloatField(null=True)
    disabled_at = peewee.FloatField(null=True)

    class Meta:
        table_name = "ap_followers"


@dataclass(frozen=True)
class Follower:
    iri: str
    inbox: str
    shared_inbox: str | None
    name: str
    username: str
    image: str | None
    link: str
    request: str
    request_object: dict[str, Any]
    created_at: float
    approved_at: float | None
    disabled_at: float | None

    def as_owncast(self) -> dict[str, Any]:
        """Owncast's follower JSON (``/api/followers``, ``/api/admin/followers*``)."""
        return {"link": self.iri, "name": self.name, "username": self.username, "image": self.image or "",
                "timestamp": _rfc3339(self.created_at),
                "disabledAt": _rfc3339(self.disabled_at) if self.disabled_at is not None else None}


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _follower(row: ApFollower) -> Follower:
    return Follower(row.iri, row.inbox, row.shared_inbox, row.name, row.username, row.image, row.link,
                    row.request, json.loads(row.request_object or "{}"), row.created_at, row.approved_at,
                    row.disabled_at)


def get(db: Database, iri: str) -> Follower | None:
    row = ApFollower.select().where(ApFollower.iri == iri).bind(db.peewee).first()
    return _follower(row) if row else None


def upsert_request(db: Database, *, iri: str, inbox: str, shared_inbox: str | None, name: str,
                   username: str, image: str | None, link: str, request: str,
                   request_object: dict[str, Any], now: float, approved: bool) -> Follower:
    """Record a follow request (approved at once unless private); a blocked actor stays blocked."""
    existing = get(db, iri)
    fields = dict(inbox=inbox, shared_inbox=shared_inbox, name=name, username=username, image=image,
                  link=link, request=request, request_object=json.dumps(request_object))
    if existing is None:
        ApFollower.insert(iri=iri, created_at=now, approved_at=now if approved else None, **fields) \
            .bind(db.peewee).execute()
    else:
        if approved and existing.approved_at is None and existing.disabled_at is None:
            fields["approved_at"] = now  # type: ignore[assignment]
        ApFollower.update(**fields).where(ApFollower.iri == iri).bind(db.peewee).execute()
    found = get(db, iri)
    assert found is not None
    return found


def update_profile(db: Database, iri: str, *, inbox: str, shared_inbox: str | None, name: str,
                   username: str, image: str | None, link: str) -> bool:
    """Refresh a known follower's cached profile (Update(Person)); False when not a follower."""
    return bool(ApFollower.update(inbox=inbox, shared_inbox=shared_inbox, name=name, username=username,
                                  image=image, link=link)
                .where(ApFollower.iri == iri).bind(db.peewee).execute())


def approve(db: Database, iri: str, now: float) -> Follower | None:
    """Approve a request (and lift a block); None when there is no such follower."""
    ApFollower.update(approved_at=now, disabled_at=None).where(ApFollower.iri == iri) \
        .bind(db.peewee).execute()
    return get(db, iri)


def block(db: Database, iri: str, now: float) -> bool:
    """Reject or block: the actor is no longer a follower and its activities are refused."""
    return bool(ApFollower.update(disabled_at=now, approved_at=None).where(ApFollower.iri == iri)
                .bind(db.peewee).execute())


def remove(db: Database, iri: str) -> bool:
    return bool(ApFollower.delete().where(ApFollower.iri == iri).bind(db.peewee).execute())


def is_blocked(db: Database, iri: str) -> bool:
    row = ApFollower.select(ApFollower.disabled_at).where(ApFollower.iri == iri).bind(db.peewee).first()
    return bool(row and row.disabled_at is not None)


def _approved() -> Any:
    return ApFollower.approved_at.is_null(False) & ApFollower.disabled_at.is_null(True)


def approved(db: Database, limit: int | None = None, offset: int = 0) -> list[Follower]:
    query = ApFollower.select().where(_approved()).order_by(ApFollower.created_at.desc(), ApFollower.iri)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_follower(r) for r in query.bind(db.peewee)]


def approved_count(db: Database) -> int:
    return int(ApFollower.select().where(_approved()).bind(db.peewee).count())


def pending(db: Database) -> list[Follower]:
    query = ApFollower.select().where(ApFollower.approved_at.is_null(True) & ApFollower.disabled_at.is_null(True))
    return [_follower(r) for r in query.order_by(ApFollower.created_at.desc()).bind(db.peewee)]


def blocked(db: Database) -> list[Follower]:
    query = ApFollower.select().where(ApFollower.disabled_at.is_null(False))
    return [_follower(r) for r in query.order_by(ApFollower.disabled_at.desc()).bind(db.peewee)]


def delivery_inboxes(db: Database) -> list[str]:
    """Each approved follower's inbox, the shared one preferred, once each."""
    query = ApFollower.select(ApFollower.inbox, ApFollower.shared_inbox).where(_approved())
    return sorted({r.shared_inbox or r.inbox for r in query.bind(db.peewee)})
