"""The public iCalendar feed (``GET /api/schedule.ics``), written with the ``icalendar`` package.

Owncast's feed lists each occurrence as its own UTC event. Ours keeps a series one VEVENT with
its RRULE and ``DTSTART;TZID`` (and a VTIMEZONE), so a calendar follows the series across
daylight-saving changes and beyond the feed's window; cancelled and deleted occurrences are
EXDATEs and moved or edited ones RECURRENCE-ID overrides. One-off events are plain VEVENTs.
``UID`` is ``<id>@owncast`` as in Owncast; icalendar writes CRLF line endings and folds lines.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur

from owncast_cli.repos.schedule import CANCELLED, DELETED, Occurrence, Series
from owncast_cli.schedule.recurrence import RecurrenceError, parse, zone

REFRESH = timedelta(minutes=15)


def _in_zone(moment: datetime, zone_name: str) -> datetime:
    try:
        return moment.astimezone(zone(zone_name))
    except RecurrenceError:
        return moment


def _vevent(uid: str, occurrence: Occurrence, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@owncast")
    event.add("dtstamp", stamp)
    event.add("dtstart", _in_zone(occurrence.start, occurrence.timezone))
    event.add("dtend", _in_zone(occurrence.end, occurrence.timezone))
    event.add("summary", occurrence.name)
    if occurrence.description:
        event.add("description", occurrence.description)
    event.add("status", "CANCELLED" if occurrence.status == CANCELLED else "CONFIRMED")
    return event


def feed(name: str, series: Iterable[Series], stored: Iterable[Occurrence], now: datetime) -> bytes:
    """The calendar: active ``series`` with their ``stored`` occurrences, and one-off events.

    Args:
        name: the server's name (the calendar's display name).
        series: the active series.
        stored: stored occurrences (one-off events, and series edits) the feed should carry.
        now: DTSTAMP of every event.
    """
    cal = Calendar()
    cal.add("prodid", "-//Owncast//Schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT15M")  # Outlook's name for REFRESH-INTERVAL (RFC 7986)
    edits: dict[str, list[Occurrence]] = {}
    for one in stored:
        if one.series_id is None:
            if one.status != DELETED:
                cal.add_component(_vevent(one.id, one, now))
        else:
            edits.setdefault(one.series_id, []).append(one)
    for rule in series:
        try:
            recurrence = parse(rule.recurrence)
        except RecurrenceError:
            continue
        first = Occurrence(rule.id, rule.id, None, rule.name, rule.description, "", recurrence.dtstart,
                           rule.duration_minutes, recurrence.zone)
        master = _vevent(rule.id, first, now)
        for line in recurrence.rules.splitlines():
            key, _, value = line.partition(":")
            if key.upper() == "RRULE":
                master.add("rrule", vRecur.from_ical(value))
        overrides = []
        for edit in edits.get(rule.id, []):
            assert edit.original_start is not None
            original = _in_zone(edit.original_start, recurrence.zone)
            if edit.status in (CANCELLED, DELETED):
                master.add("exdate", original)
            else:
                override = _vevent(rule.id, edit, now)
                override.add("recurrence-id", original)
                overrides.append(override)
        cal.add_component(master)
        for override in overrides:
            cal.add_component(override)
    cal.add_missing_timezones()
    return cal.to_ical()
