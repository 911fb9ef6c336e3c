"""The occurrences in a window: each active series' rule, with its stored occurrences (cancelled,
moved, edited) in place of the rule's own, plus the one-off events.

Computing a series' occurrences instead of storing rows up to a horizon (Owncast materialises
30 days ahead) means any window the API may ask for (366 days) is complete, and the iCal feed's
RRULE and the API agree by construction. An occurrence's id is ``<series id>-<UTC start>``,
stable as long as the rule produces that start. Sync functions: run them in a worker thread.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Final

from owncast_cli.repos import schedule as repo
from owncast_cli.repos.schedule import CANCELLED, DELETED, SCHEDULED, Occurrence, Series
from owncast_cli.schedule.recurrence import RecurrenceError, parse, zone

if TYPE_CHECKING:
    from owncast_cli.db import Database

logger = logging.getLogger("owncast.schedule")

#: After an event's start, chat opened for it stays open this long waiting for a late stream;
#: if none came, it closes (Owncast's MissedEventGracePeriod).
MISSED_GRACE: Final = timedelta(minutes=10)
#: The longest event (Owncast's maxEventDurationMinutes: a week); a window also looks back this
#: far so an event already running at its start is found.
MAX_DURATION: Final = timedelta(days=7)


def occurrence_id(series_id: str, original_start: datetime) -> str:
    return f"{series_id}-{repo.to_text(original_start).replace('-', '').replace(':', '')}"


def split_occurrence_id(value: str) -> tuple[str, datetime] | None:
    """(series id, original start) of a computed occurrence id, or None."""
    series_id, _, stamp = value.rpartition("-")
    try:
        return series_id, datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def series_occurrences(series: Series, start: datetime, end: datetime) -> list[Occurrence]:
    """The rule's occurrences of one series starting in [start, end) (no stored edits), in UTC."""
    recurrence = parse(series.recurrence)
    found = (moment.astimezone(UTC) for moment in recurrence.expand(start, end))
    return [Occurrence(occurrence_id(series.id, moment), series.id, moment, series.name, series.description,
                       series.reminder_message, moment, series.duration_minutes, recurrence.zone)
            for moment in found]


def in_window(db: Database, start: datetime, end: datetime) -> list[Occurrence]:
    """Every occurrence starting in [start, end), cancelled ones included, by start."""
    series = repo.all_series(db, active_only=True)
    stored = [e for e in repo.events_starting(db, start, end) if e.status != DELETED]
    replaced = repo.stored_slots(db, (s.id for s in series), start, end)
    found = list(stored)
    for one in series:
        try:
            computed = series_occurrences(one, start, end)
        except RecurrenceError as exc:
            logger.error("series %s (%s) cannot be expanded: %s", one.id, one.name, exc)
            continue
        found += [o for o in computed if (one.id, repo.to_text(o.start)) not in replaced]
    return sorted(found, key=lambda o: (o.start, o.id))


def find(db: Database, event_id: str) -> Occurrence | None:
    """A stored occurrence, or a computed one its id names (when the rule still produces it)."""
    stored = repo.get_event(db, event_id)
    if stored is not None:
        return None if stored.status == DELETED else stored
    parts = split_occurrence_id(event_id)
    if parts is None:
        return None
    series = repo.get_series(db, parts[0])
    if series is None:
        return None
    try:
        computed = series_occurrences(series, parts[1], parts[1] + timedelta(seconds=1))
    except RecurrenceError:
        return None
    return next((o for o in computed if o.id == event_id), None)


def current_or_upcoming(db: Database, now: datetime) -> Occurrence | None:
    """The scheduled occurrence running now (start <= now < end) or starting next, or None."""
    # Small windows first: the next stream is usually days away, and the status poll asks often.
    edges = [now - MAX_DURATION, now + timedelta(days=2), now + timedelta(days=31), now + timedelta(days=367)]
    for start, end in zip(edges, edges[1:], strict=False):
        live = [o for o in in_window(db, start, end) if o.status == SCHEDULED and o.end > now]
        if live:
            return live[0]
    return None


def chat_window(event: Occurrence, minutes: int) -> tuple[datetime, datetime] | None:
    """When chat may open for an event while offline: ``minutes`` before its start until its end."""
    if minutes <= 0 or event.status == CANCELLED:
        return None
    return event.start - timedelta(minutes=minutes), event.end


def chat_open(event: Occurrence, minutes: int, now: datetime, *, started: bool) -> bool:
    """Whether the event's chat window is open: inside it, and either the stream has gone live
    since the event's start or it is still less than MISSED_GRACE late."""
    window = chat_window(event, minutes)
    if window is None or not window[0] <= now < window[1]:
        return False
    return started or now < event.start + MISSED_GRACE


def zone_of(event: Occurrence) -> tzinfo:
    """The tzinfo of an occurrence's zone (UTC if the zone is no longer known)."""
    try:
        return zone(event.timezone)
    except RecurrenceError:
        return UTC
