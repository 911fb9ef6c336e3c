"""The schedule tables: recurring series, stored occurrences, and reminders already sent.

A series is an RFC 5545 rule; its occurrences are computed from it (``owncast_cli.schedule``)
and stored only when one of them differs from the rule: cancelled, moved, edited or deleted.
One-off events are stored occurrences without a series. Times are UTC text
(``2026-07-06T18:00:00Z``), which sorts as time does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database

SCHEDULED: Final = "scheduled"
CANCELLED: Final = "cancelled"
#: A series occurrence the admin deleted: kept so the rule does not bring it back, never shown.
DELETED: Final = "deleted"


def to_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_text(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class SeriesRow(Model):
    id = peewee.TextField(primary_key=True)
    name = peewee.TextField()
    description = peewee.TextField(default="")
    reminder_message = peewee.TextField(default="")
    recurrence = peewee.TextField()
    duration_minutes = peewee.IntegerField()
    active = peewee.BooleanField(default=True)
    created_at = peewee.FloatField()

    class Meta:
        table_name = "schedule_series"


class EventRow(Model):
    id = peewee.TextField(primary_key=True)
    series_id = peewee.TextField(null=True)
    original_start = peewee.TextField(null=True)
    name = peewee.TextField()
    description = peewee.TextField(default="")
    reminder_message = peewee.TextField(default="")
    start_time = peewee.TextField()
    duration_minutes = peewee.IntegerField()
    timezone = peewee.TextField()
    status = peewee.TextField()
    updated_at = peewee.FloatField()

    class Meta:
        table_name = "schedule_events"


class ReminderRow(Model):
    occurrence_id = peewee.TextField(primary_key=True)
    sent_at = peewee.FloatField()

    class Meta:
        table_name = "schedule_reminders"


@dataclass(frozen=True)
class Series:
    """A recurring schedule ("every Monday 18:00 in Europe/Berlin"): Owncast's ScheduledEventSeries."""

    id: str
    name: str
    description: str
    reminder_message: str
    recurrence: str
    duration_minutes: int
    active: bool

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "name": self.name, "description": self.description}
        if self.reminder_message:
            body["reminderMessage"] = self.reminder_message
        body.update(recurrence=self.recurrence, durationMinutes=self.duration_minutes, active=self.active)
        return body


@dataclass(frozen=True)
class Occurrence:
    """One scheduled stream: a one-off event or one occurrence of a series (Owncast's ScheduledEvent)."""

    id: str
    series_id: str | None
    original_start: datetime | None
    name: str
    description: str
    reminder_message: str
    start: datetime
    duration_minutes: int
    timezone: str
    status: str = SCHEDULED

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    def with_(self, **changes: Any) -> Occurrence:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id}
        if self.series_id is not None:
            body["seriesId"] = self.series_id
        body.update(name=self.name, description=self.description)
        if self.reminder_message:
            body["reminderMessage"] = self.reminder_message
        body.update(startTime=to_text(self.start), durationMinutes=self.duration_minutes,
                    timezone=self.timezone, status=self.status)
        return body


def _series(row: SeriesRow) -> Series:
    return Series(str(row.id), str(row.name), str(row.description), str(row.reminder_message),
                  str(row.recurrence), int(row.duration_minutes), bool(row.active))


def _occurrence(row: EventRow) -> Occurrence:
    return Occurrence(str(row.id), row.series_id, from_text(row.original_start) if row.original_start else None,
                      str(row.name), str(row.description), str(row.reminder_message), from_text(row.start_time),
                      int(row.duration_minutes), str(row.timezone), str(row.status))


# --- series -------------------------------------------------------------------------------------

def all_series(db: Database, *, active_only: bool = False) -> list[Series]:
    query = SeriesRow.select().order_by(SeriesRow.created_at, SeriesRow.id)
    if active_only:
        query = query.where(SeriesRow.active == True)  # noqa: E712  (peewee expression)
    return [_series(row) for row in query.bind(db.peewee)]


def get_series(db: Database, series_id: str) -> Series | None:
    row = SeriesRow.select().where(SeriesRow.id == series_id).bind(db.peewee).first()
    return _series(row) if row else None


def add_series(db: Database, series: Series, now: float) -> None:
    SeriesRow.insert(id=series.id, name=series.name, description=series.description,
                     reminder_message=series.reminder_message, recurrence=series.recurrence,
                     duration_minutes=series.duration_minutes, active=series.active,
                     created_at=now).bind(db.peewee).execute()


def update_series(db: Database, series: Series) -> None:
    SeriesRow.update(name=series.name, description=series.description, reminder_message=series.reminder_message,
                     recurrence=series.recurrence, duration_minutes=series.duration_minutes,
                     active=series.active).where(SeriesRow.id == series.id).bind(db.peewee).execute()


def delete_series(db: Database, series_id: str) -> None:
    SeriesRow.delete().where(SeriesRow.id == series_id).bind(db.peewee).execute()


# --- stored occurrences -------------------------------------------------------------------------

def get_event(db: Database, event_id: str) -> Occurrence | None:
    row = EventRow.select().where(EventRow.id == event_id).bind(db.peewee).first()
    return _occurrence(row) if row else None


def events_starting(db: Database, start: datetime, end: datetime) -> list[Occurrence]:
    """Stored occurrences (deleted ones too) starting in [start, end), by start."""
    query = EventRow.select().where((EventRow.start_time >= to_text(start)) & (EventRow.start_time < to_text(end)))
    return [_occurrence(row) for row in query.order_by(EventRow.start_time, EventRow.id).bind(db.peewee)]


def stored_slots(db: Database, series_ids: Iterable[str], start: datetime, end: datetime) -> set[tuple[str, str]]:
    """(series id, original start text) of the stored occurrences of these series whose rule
    start is in [start, end): the rule's own occurrence there is replaced by the stored one."""
    ids = list(series_ids)
    if not ids:
        return set()
    query = EventRow.select(EventRow.series_id, EventRow.original_start).where(
        EventRow.series_id.in_(ids) & (EventRow.original_start >= to_text(start))
        & (EventRow.original_start < to_text(end)))
    return {(str(r.series_id), str(r.original_start)) for r in query.bind(db.peewee)}


def save_event(db: Database, event: Occurrence, now: float) -> None:
    """Insert or replace a stored occurrence (its id is its identity)."""
    EventRow.replace(id=event.id, series_id=event.series_id,
                     original_start=to_text(event.original_start) if event.original_start else None,
                     name=event.name, description=event.description, reminder_message=event.reminder_message,
                     start_time=to_text(event.start), duration_minutes=event.duration_minutes,
                     timezone=event.timezone, status=event.status, updated_at=now).bind(db.peewee).execute()


def delete_event(db: Database, event_id: str) -> None:
    EventRow.delete().where(EventRow.id == event_id).bind(db.peewee).execute()


def forget_future_edits(db: Database, series_id: str, after: datetime) -> None:
    """Drop a series' stored future occurrences that were only edits: after the rule changes
    they are regenerated from it. Cancelled ones stay (Owncast keeps them for the record)."""
    EventRow.delete().where((EventRow.series_id == series_id) & (EventRow.status != CANCELLED)
                            & (EventRow.start_time >= to_text(after))).bind(db.peewee).execute()


# --- reminders ----------------------------------------------------------------------------------

def mark_reminded(db: Database, occurrence_id: str, now: float) -> bool:
    """Record that an occurrence's reminder goes out; False when it already had. Call inside a
    write transaction (the one that appends the reminder event), so both happen or neither."""
    if reminded(db, occurrence_id):
        return False
    ReminderRow.insert(occurrence_id=occurrence_id, sent_at=now).bind(db.peewee).execute()
    return True


def reminded(db: Database, occurrence_id: str) -> bool:
    return ReminderRow.select().where(ReminderRow.occurrence_id == occurrence_id).bind(db.peewee).exists()
