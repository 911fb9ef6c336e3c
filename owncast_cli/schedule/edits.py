"""The admin's changes to the schedule, with Owncast's checks and messages
(``webserver/handlers/admin/schedule.go`` on the develop branch, commit a6a3f368): create or
update a one-off event or a series, cancel or delete either. Shared by the admin API and
``owncast schedule``; each runs inside one write transaction, and every check comes before
the first write so a refused request changes nothing.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from owncast_cli.repos import schedule as repo
from owncast_cli.repos.schedule import CANCELLED, DELETED, Occurrence, Series
from owncast_cli.schedule import occurrences
from owncast_cli.schedule.recurrence import RecurrenceError, parse, zone

if TYPE_CHECKING:
    from owncast_cli.db import Database

DEFAULT_DURATION: Final = 60
MAX_DURATION: Final = 7 * 24 * 60  # a week: anything longer is a data-entry mistake
#: Owncast sets no bounds; ours keep one request from filling the database and every feed.
MAX_TEXT: Final = {"id": 64, "name": 255, "description": 5000, "reminderMessage": 500, "timezone": 64,
                   "recurrence": 2000}


class ScheduleInputError(ValueError):
    """A request the schedule refuses (HTTP 400); the message is Owncast's."""


def new_id() -> str:
    return secrets.token_urlsafe(6).replace("-", "x")  # "-" separates a computed occurrence's parts


def parse_time(value: Any, field: str) -> datetime:
    """An RFC 3339 date-time with an offset (what Go's time.Time accepts), as an aware datetime."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None and "T" in value.upper():
            try:
                return parsed.astimezone(UTC)
            except OverflowError:  # 9999-12-31T23:00:00-05:00 is past datetime's range in UTC
                pass
    raise ScheduleInputError(f"{field} must be an RFC 3339 date-time such as 2026-07-06T18:00:00Z (got {value!r})")


@dataclass(frozen=True)
class EventInput:
    """Owncast's ScheduledEventInput, type-checked."""

    id: str | None
    name: str
    description: str | None
    reminder_message: str | None
    start: datetime | None
    timezone: str | None
    duration_minutes: int | None
    recurrence: str

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> EventInput:
        def text(key: str) -> str | None:
            value = body.get(key)
            if value is not None and not isinstance(value, str):
                raise ScheduleInputError(f"{key} must be a string")
            if value is not None and len(value) > MAX_TEXT[key]:
                raise ScheduleInputError(f"{key} must be at most {MAX_TEXT[key]} characters (got {len(value)})")
            return value

        duration = body.get("durationMinutes")
        if isinstance(duration, float) and duration.is_integer():
            duration = int(duration)
        if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int)):
            raise ScheduleInputError("durationMinutes must be a whole number of minutes")
        start = body.get("start")
        return cls(text("id"), (text("name") or "").strip(), text("description"), text("reminderMessage"),
                   None if start is None else parse_time(start, "start"), text("timezone"), duration,
                   (text("recurrence") or "").strip())


def upsert(db: Database, body: dict[str, Any], now: datetime) -> str:
    """Create or update a one-off event (``start``) or a series (``recurrence``); returns its id."""
    request = EventInput.from_json(body)
    if not request.name:
        raise ScheduleInputError("name is required")
    if request.duration_minutes is not None and not 0 < request.duration_minutes <= MAX_DURATION:
        raise ScheduleInputError("durationMinutes is out of range")
    if request.recurrence and request.start is not None:
        raise ScheduleInputError("start and recurrence are mutually exclusive")
    if request.id is None:
        return _create(db, request, now)
    _update(db, request, now)
    return request.id


def _recurrence(value: str) -> None:
    try:
        parse(value)
    except RecurrenceError as exc:
        raise ScheduleInputError(str(exc)) from None


def _create(db: Database, request: EventInput, now: datetime) -> str:
    duration = request.duration_minutes or DEFAULT_DURATION
    reminder = (request.reminder_message or "").strip()
    if request.recurrence:
        _recurrence(request.recurrence)
        made = new_id()
        repo.add_series(db, Series(made, request.name, request.description or "", reminder,
                                   request.recurrence, duration, True), time.time())
        return made
    if request.start is None:
        raise ScheduleInputError("start is required for a one-off event")
    if request.start < now:
        raise ScheduleInputError("start must be in the future")
    tz_name = "UTC"
    if request.timezone:
        try:
            zone(request.timezone)
        except RecurrenceError:
            raise ScheduleInputError("unknown timezone") from None
        tz_name = request.timezone
    made = new_id()
    repo.save_event(db, Occurrence(made, None, None, request.name, request.description or "", reminder,
                                   request.start.astimezone(UTC), duration, tz_name), time.time())
    return made


def _update(db: Database, request: EventInput, now: datetime) -> None:
    assert request.id is not None
    if request.timezone is not None:
        raise ScheduleInputError("timezone cannot be changed on an update")
    series = repo.get_series(db, request.id)
    if series is not None:
        if request.start is not None:
            raise ScheduleInputError("a recurring series has no single start, edit its recurrence instead")
        recurrence = request.recurrence or series.recurrence
        _recurrence(recurrence)
        repo.update_series(db, Series(
            series.id, request.name,
            series.description if request.description is None else request.description,
            series.reminder_message if request.reminder_message is None else request.reminder_message.strip(),
            recurrence, request.duration_minutes or series.duration_minutes, series.active))
        repo.forget_future_edits(db, series.id, now)  # regenerated from the new rule
        return
    event = occurrences.find(db, request.id)
    if event is None:
        raise ScheduleInputError("no scheduled event or series with that id")
    if request.recurrence:
        raise ScheduleInputError("a one-off event cannot become a recurring series, create a new series instead")
    if request.start is not None and request.start < now:
        raise ScheduleInputError("start must be in the future")
    repo.save_event(db, event.with_(
        name=request.name,
        description=event.description if request.description is None else request.description,
        reminder_message=event.reminder_message if request.reminder_message is None
        else request.reminder_message.strip(),
        duration_minutes=request.duration_minutes or event.duration_minutes,
        start=event.start if request.start is None else request.start.astimezone(UTC)), time.time())


def remove(db: Database, body: dict[str, Any], now: datetime) -> None:
    """Delete or cancel (``"cancel": true``) an event, an occurrence or a series.

    Cancelling an occurrence keeps it, shown as cancelled; cancelling a series pauses it.
    Deleting a series keeps its cancelled occurrences and its past three months for the record.
    """
    event_id, cancel = body.get("id"), body.get("cancel")
    if not isinstance(event_id, str):
        raise ScheduleInputError('expected {"id": "<event or series id>", "cancel": false}')
    if cancel is not None and not isinstance(cancel, bool):
        raise ScheduleInputError("cancel must be true or false")
    series = repo.get_series(db, event_id)
    if series is not None:
        if cancel:
            repo.update_series(db, replace(series, active=False))
            return
        repo.forget_future_edits(db, series.id, now)
        try:
            past = occurrences.series_occurrences(series, now - timedelta(days=92), now)
        except RecurrenceError:
            past = []
        stored = repo.stored_slots(db, [series.id], now - timedelta(days=92), now)
        for one in past:
            if (series.id, repo.to_text(one.start)) not in stored:
                repo.save_event(db, one, time.time())
        repo.delete_series(db, series.id)
        return
    event = occurrences.find(db, event_id)
    if event is None:
        raise ScheduleInputError("no scheduled event or series with that id")
    if cancel:
        repo.save_event(db, event.with_(status=CANCELLED), time.time())
    elif event.series_id is not None and repo.get_series(db, event.series_id) is not None:
        repo.save_event(db, event.with_(status=DELETED), time.time())  # or the rule brings it back
    else:
        repo.delete_event(db, event.id)


def admin_view(db: Database, now: datetime) -> dict[str, Any]:
    """Owncast's admin answer: every series, and the occurrences from 3 months back to 2 ahead."""
    from dateutil.relativedelta import relativedelta

    events = occurrences.in_window(db, now + relativedelta(months=-3), now + relativedelta(months=2))
    return {"series": [s.to_json() for s in repo.all_series(db)], "events": [e.to_json() for e in events]}

