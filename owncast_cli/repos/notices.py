"""The ``notify_notices`` table: go-live and schedule-reminder notices for the channels.

A notice is queued by the notify daemon's bus router in the same transaction as its cursor, so a
crash neither loses nor repeats one; ``outcomes`` records each channel's answer as it comes, so a
notice interrupted half-way resumes with the channels not yet done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database

PENDING, SENT, CANCELLED, SKIPPED = "pending", "sent", "cancelled", "skipped"
GO_LIVE, REMINDER = "go-live", "reminder"


class NoticeRow(Model):
    key = peewee.TextField(primary_key=True)
    kind = peewee.TextField()
    title = peewee.TextField()
    due_at = peewee.FloatField()
    state = peewee.TextField()
    outcomes = peewee.TextField(default="{}")
    done_at = peewee.FloatField(null=True)

    class Meta:
        table_name = "notify_notices"


@dataclass(frozen=True)
class Notice:
    key: str
    kind: str
    #: The stream title (go-live) or the reminder's message.
    title: str
    due_at: float
    state: str
    outcomes: dict[str, Any]
    done_at: float | None


def _notice(row: NoticeRow) -> Notice:
    return Notice(row.key, row.kind, row.title, row.due_at, row.state, json.loads(row.outcomes), row.done_at)


def queue(db: Database, key: str, kind: str, title: str, due_at: float) -> None:
    """Queue a notice once: a key already seen (a stream's id, a reminder's occurrence) is ignored."""
    NoticeRow.insert(key=key, kind=kind, title=title, due_at=due_at, state=PENDING) \
        .on_conflict_ignore().bind(db.peewee).execute()


def cancel_pending(db: Database, kind: str, now: float) -> int:
    """Owncast cancels the pending go-live notifications when the stream stops before they fire."""
    return int(NoticeRow.update({NoticeRow.state: CANCELLED, NoticeRow.done_at: now})
               .where((NoticeRow.kind == kind) & (NoticeRow.state == PENDING)).bind(db.peewee).execute())


def pending(db: Database) -> list[Notice]:
    """Pending notices, soonest first."""
    query = NoticeRow.select().where(NoticeRow.state == PENDING).order_by(NoticeRow.due_at).bind(db.peewee)
    return [_notice(row) for row in query]


def last_sent(db: Database, kind: str) -> float | None:
    """When a notice of ``kind`` last went out (for the go-live de-duplication window)."""
    value = NoticeRow.select(peewee.fn.MAX(NoticeRow.done_at)) \
        .where((NoticeRow.kind == kind) & (NoticeRow.state == SENT)).bind(db.peewee).scalar()
    return None if value is None else float(value)


def record_outcome(db: Database, key: str, channel: str, outcome: Any) -> None:
    row = NoticeRow.select().where(NoticeRow.key == key).bind(db.peewee).first()
    if row is not None:
        outcomes = json.loads(row.outcomes)
        outcomes[channel] = outcome
        NoticeRow.update({NoticeRow.outcomes: json.dumps(outcomes)}).where(NoticeRow.key == key) \
            .bind(db.peewee).execute()


def finish(db: Database, key: str, state: str, now: float) -> None:
    NoticeRow.update({NoticeRow.state: state, NoticeRow.done_at: now}).where(NoticeRow.key == key) \
        .bind(db.peewee).execute()
