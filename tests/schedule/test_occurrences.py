"""Occurrences from rules and stored edits (cancelled, moved, deleted), events longer than a day,
and the iCal feed expanded by an independent parser giving the same occurrences as the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import recurring_ical_events

from owncast_cli.repos import schedule as repo
from owncast_cli.schedule import edits, ics, occurrences

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BERLIN_WEEKLY = "DTSTART;TZID=Europe/Berlin:20260302T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH"
NY_BIWEEKLY = "DTSTART;TZID=America/New_York:20260301T210000\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=6"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def create(db, **body) -> None:
    db.write(lambda: edits.upsert(db, body, NOW))


def window(db, days: int = 60) -> list:
    return occurrences.in_window(db, NOW, NOW + timedelta(days=days))


def series_id(db, name: str) -> str:
    return next(s.id for s in repo.all_series(db) if s.name == name)


def test_cancel_move_and_delete_occurrences(db):
    create(db, name="Berlin", recurrence=BERLIN_WEEKLY, durationMinutes=90)
    found = window(db, 14)
    assert [o.start.strftime("%m-%d %H:%M") for o in found] == ["03-02 19:00", "03-05 19:00", "03-09 19:00",
                                                                "03-12 19:00"]
    first, second, third = found[:3]
    db.write(lambda: edits.remove(db, {"id": first.id, "cancel": True}, NOW))
    db.write(lambda: edits.remove(db, {"id": second.id}, NOW))
    create(db, id=third.id, name="Moved", start="2026-03-10T18:00:00Z")
    after = {o.id: o for o in window(db, 14)}
    assert after[first.id].status == "cancelled"
    assert second.id not in after
    assert (after[third.id].name, after[third.id].start) == ("Moved", at("2026-03-10T18:00:00Z"))
    assert after[third.id].original_start == third.start and len(after) == 3
    # An edit of the rule regenerates the moved occurrence from it; the cancelled one stays.
    create(db, id=series_id(db, "Berlin"), name="Berlin show")
    regenerated = {o.id: o for o in window(db, 14)}
    assert regenerated[third.id].start == third.start and regenerated[third.id].name == "Berlin show"
    assert regenerated[first.id].status == "cancelled"


def test_events_longer_than_a_day(db):
    create(db, name="Marathon", start="2026-03-02T18:00:00Z", durationMinutes=3 * 24 * 60, timezone="Europe/Berlin")
    marathon = occurrences.current_or_upcoming(db, NOW)
    assert marathon is not None and marathon.end == at("2026-03-05T18:00:00Z")
    # Still the current event two days in, found although it started before the window.
    assert occurrences.current_or_upcoming(db, at("2026-03-04T12:00:00Z")).name == "Marathon"
    assert occurrences.current_or_upcoming(db, at("2026-03-05T18:00:00Z")) is None
    assert occurrences.chat_window(marathon, 30) == (at("2026-03-02T17:30:00Z"), at("2026-03-05T18:00:00Z"))
    assert occurrences.chat_window(marathon, 0) is None


def test_next_event_skips_cancelled_and_paused(db):
    create(db, name="NY", recurrence=NY_BIWEEKLY)
    first = window(db)[0]
    assert occurrences.current_or_upcoming(db, NOW).id == first.id
    db.write(lambda: edits.remove(db, {"id": first.id, "cancel": True}, NOW))
    assert occurrences.current_or_upcoming(db, NOW).start == first.start + timedelta(days=14) - timedelta(hours=1)
    db.write(lambda: edits.remove(db, {"id": series_id(db, "NY"), "cancel": True}, NOW))
    assert occurrences.current_or_upcoming(db, NOW) is None


def test_find_resolves_computed_ids_only_when_the_rule_produces_them(db):
    create(db, name="Berlin", recurrence=BERLIN_WEEKLY)
    first = window(db)[0]
    assert occurrences.find(db, first.id) == first
    assert occurrences.find(db, first.id.replace("T190000Z", "T190100Z")) is None
    assert occurrences.find(db, "unknown-20260302T190000Z") is None


def test_ics_expanded_by_recurring_ical_events_matches_the_api(db):
    create(db, name="Berlin", description="Mondays; Thursdays, too", recurrence=BERLIN_WEEKLY, durationMinutes=90)
    create(db, name="NY", recurrence=NY_BIWEEKLY, durationMinutes=26 * 60)
    create(db, name="Once", start="2026-03-20T09:00:00Z", timezone="Asia/Tokyo")
    berlin = [o for o in window(db) if o.name == "Berlin"]
    db.write(lambda: edits.remove(db, {"id": berlin[1].id, "cancel": True}, NOW))
    db.write(lambda: edits.remove(db, {"id": berlin[2].id}, NOW))
    create(db, id=berlin[3].id, name="Berlin special", start="2026-03-13T20:00:00Z", durationMinutes=45)

    span = (NOW, NOW + timedelta(days=120))  # across both DST changes
    api = {(o.start, o.end, o.name) for o in occurrences.in_window(db, *span) if o.status == "scheduled"}
    body = ics.feed("My stream", repo.all_series(db, active_only=True),
                    repo.events_starting(db, NOW - timedelta(days=7), NOW + timedelta(days=366)), NOW)
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(body)
    assert (str(calendar["X-PUBLISHED-TTL"]), calendar["REFRESH-INTERVAL"].dt) == ("PT15M", timedelta(minutes=15))
    assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == \
        {f"{i}@owncast" for i in [series_id(db, "Berlin"), series_id(db, "NY")]} | \
        {f"{o.id}@owncast" for o in window(db) if o.name == "Once"}
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York", "Asia/Tokyo"}
    expanded = {(e["DTSTART"].dt.astimezone(UTC), e["DTEND"].dt.astimezone(UTC), str(e["SUMMARY"]))
                for e in recurring_ical_events.of(calendar).between(*span)}
    assert expanded == api
    assert len(api) > 30
    assert str(next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Berlin")["DESCRIPTION"]) == \
        "Mondays; Thursdays, too"
