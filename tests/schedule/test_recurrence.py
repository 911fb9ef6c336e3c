"""Recurrence tables: weekly rules across the DST changes of Europe/Berlin and America/New_York,
UNTIL and COUNT, and the refusals, all as UTC instants worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from owncast_cli.schedule.recurrence import MAX_OCCURRENCES, RecurrenceError, build, parse

WIDE = (datetime(2020, 1, 1, tzinfo=UTC), datetime(2040, 1, 1, tzinfo=UTC))


def utc(*stamps: str) -> list[str]:
    return list(stamps)


def expanded(value: str, start: datetime = WIDE[0], end: datetime = WIDE[1]) -> list[str]:
    return [o.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ") for o in parse(value).expand(start, end)]


CASES = [
    # Berlin: CET (+1) until 2026-03-29 01:00Z, CEST (+2) until 2026-10-25 01:00Z.
    ("DTSTART;TZID=Europe/Berlin:20260319T200000\nRRULE:FREQ=WEEKLY;COUNT=3",
     utc("2026-03-19T19:00Z", "2026-03-26T19:00Z", "2026-04-02T18:00Z")),
    ("DTSTART;TZID=Europe/Berlin:20261015T200000\nRRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=3",
     utc("2026-10-15T18:00Z", "2026-10-22T18:00Z", "2026-10-29T19:00Z")),
    # 02:30 does not exist in Berlin on 2026-03-29: RFC 5545 3.3.5 reads it as 03:30 CEST (01:30Z).
    ("DTSTART;TZID=Europe/Berlin:20260322T023000\nRRULE:FREQ=WEEKLY;COUNT=3",
     utc("2026-03-22T01:30Z", "2026-03-29T01:30Z", "2026-04-05T00:30Z")),
    # 02:30 happens twice on 2026-10-25: the first one (CEST, 00:30Z).
    ("DTSTART;TZID=Europe/Berlin:20261018T023000\nRRULE:FREQ=WEEKLY;COUNT=2",
     utc("2026-10-18T00:30Z", "2026-10-25T00:30Z")),
    # New York: EST (-5) until 2026-03-08 07:00Z, EDT (-4) until 2026-11-01 06:00Z.
    ("DTSTART;TZID=America/New_York:20260301T190000\nRRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3",
     utc("2026-03-02T00:00Z", "2026-03-08T23:00Z", "2026-03-15T23:00Z")),
    ("DTSTART;TZID=America/New_York:20261025T090000\nRRULE:FREQ=WEEKLY;COUNT=2",
     utc("2026-10-25T13:00Z", "2026-11-01T14:00Z")),
    # Every other week on two days, until a UTC instant (inclusive, RFC 5545 3.3.10).
    ("DTSTART;TZID=America/New_York:20260302T200000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20260318T000000Z",
     utc("2026-03-03T01:00Z", "2026-03-05T01:00Z", "2026-03-17T00:00Z")),
    ("DTSTART;TZID=Europe/Berlin:20260302T180000\nRRULE:FREQ=WEEKLY;UNTIL=20260316T170000Z",
     utc("2026-03-02T17:00Z", "2026-03-09T17:00Z", "2026-03-16T17:00Z")),
    ("DTSTART:20260105T120000Z\nRRULE:FREQ=DAILY;COUNT=2", utc("2026-01-05T12:00Z", "2026-01-06T12:00Z")),
    # A folded line (RFC 5545 3.1) and CRLF endings are read as one value.
    ("DTSTART;TZID=Europe/Berlin:20260105T180000\r\nRRULE:FREQ=WEEKLY;\r\n COUNT=2",
     utc("2026-01-05T17:00Z", "2026-01-12T17:00Z")),
]


@pytest.mark.parametrize("value,expected", CASES)
def test_expansion_table(value, expected):
    assert expanded(value) == expected


def test_window_is_half_open_and_keeps_the_zone():
    value = "DTSTART;TZID=Europe/Berlin:20260105T180000\nRRULE:FREQ=WEEKLY"
    start, end = datetime(2026, 1, 12, 17, tzinfo=UTC), datetime(2026, 1, 26, 17, tzinfo=UTC)
    found = parse(value).expand(start, end)
    assert [o.astimezone(UTC).day for o in found] == [12, 19]
    assert all(o.hour == 18 and str(o.tzinfo) == "Europe/Berlin" for o in found)


@pytest.mark.parametrize("value,message", [
    ("", "recurrence value is empty"),
    ("RRULE:FREQ=WEEKLY", "recurrence value has no DTSTART"),
    ("DTSTART:20260101T000000Z", "recurrence value has no RRULE"),
    ("DTSTART:2026-01-01\nRRULE:FREQ=WEEKLY", "unable to parse recurrence value: 'DTSTART:2026-01-01' is not "
     "DTSTART;TZID=Area/City:YYYYMMDDTHHMMSS or DTSTART:YYYYMMDDTHHMMSSZ"),
    ("DTSTART;TZID=Mars/Olympus:20260101T000000\nRRULE:FREQ=WEEKLY",
     "unable to parse recurrence value: unknown time zone 'Mars/Olympus'"),
    ("DTSTART:20260101T000000Z\nRRULE:FREQ=FORTNIGHTLY", "unable to parse recurrence value: invalid 'FREQ': FORTNIGHTLY"),
    ("DTSTART;TZID=Europe/Berlin:20260101T000000\nRRULE:FREQ=WEEKLY;UNTIL=20260301T000000",
     "unable to parse recurrence value: RRULE UNTIL values must be specified in UTC when DTSTART is timezone-aware"),
])
def test_refused(value, message):
    with pytest.raises(RecurrenceError) as caught:
        parse(value)
    assert str(caught.value) == message


def test_dense_rules_are_bounded():
    for freq in ("SECONDLY", "MINUTELY"):
        with pytest.raises(RecurrenceError, match="too dense to expand"):
            parse(f"DTSTART:20200101T000000Z\nRRULE:FREQ={freq}")
    with pytest.raises(RecurrenceError, match="too dense to expand"):
        # An old DTSTART: half a million hours go by before the window is reached.
        parse("DTSTART:19500101T000000Z\nRRULE:FREQ=HOURLY").expand(datetime(2026, 1, 1, tzinfo=UTC), WIDE[1])
    with pytest.raises(RecurrenceError, match="too many occurrences"):
        parse("DTSTART:20260101T000000Z\nRRULE:FREQ=HOURLY").expand(*WIDE)
    assert len(parse("DTSTART:20260101T000000Z\nRRULE:FREQ=HOURLY;COUNT=1000").expand(*WIDE)) == MAX_OCCURRENCES


def test_build_round_trips():
    value = build(datetime(2026, 7, 6, 18, 0), "Europe/Berlin", "FREQ=WEEKLY;BYDAY=MO")
    assert value == "DTSTART;TZID=Europe/Berlin:20260706T180000\nRRULE:FREQ=WEEKLY;BYDAY=MO"
    assert expanded(value)[0] == "2026-07-06T16:00Z"
    assert build(datetime(2026, 7, 6, 18, 0), "UTC", "RRULE:FREQ=DAILY") == "DTSTART:20260706T180000Z\nRRULE:FREQ=DAILY"
