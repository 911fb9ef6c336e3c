"""``owncast schedule add|list|cancel|delete`` as a user runs them."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.conftest import owncast


def next_summer_time() -> date:
    """The next last Sunday of March (Europe goes to summer time) at least two weeks away."""
    year = date.today().year
    while True:
        day = date(year, 3, 31)
        day -= timedelta(days=(day.weekday() + 1) % 7)
        if day > date.today() + timedelta(days=14):
            return day
        year += 1


def test_add_list_cancel_delete(migrated):
    change = next_summer_time()
    monday, thursday = change - timedelta(days=6), change + timedelta(days=4)
    weekly = owncast("schedule", "add", "Weekly", "--start", f"{monday} 20:00", "--timezone", "Europe/Berlin",
                     "--weekly", "MO,TH", "--until", str(thursday), "--description", "Build",
                     datadir=migrated, check=True)
    series_id = weekly.stdout.strip()
    saturday = change - timedelta(days=1)
    once = owncast("schedule", "add", "Once", "--start", f"{saturday}T10:00:00-04:00", "--duration", "1500",
                   "--reminder", "Doors open", datadir=migrated, check=True).stdout.strip()
    listed = json.loads(owncast("schedule", "list", "--json", "--days", "366", datadir=migrated, check=True).stdout)
    compact = f"{thursday:%Y%m%d}T215959Z"
    assert [s["recurrence"] for s in listed["series"]] == [
        f"DTSTART;TZID=Europe/Berlin:{monday:%Y%m%d}T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH;UNTIL={compact}"]
    starts = [(e["name"], e["startTime"]) for e in listed["events"]]
    # 20:00 in Berlin is 19:00Z before the change, 18:00Z after; UNTIL is 23:59:59 on the last day.
    assert starts == [("Weekly", f"{monday}T19:00:00Z"), ("Weekly", f"{monday + timedelta(days=3)}T19:00:00Z"),
                      ("Once", f"{saturday}T14:00:00Z"), ("Weekly", f"{change + timedelta(days=1)}T18:00:00Z"),
                      ("Weekly", f"{thursday}T18:00:00Z")]
    once_json = next(e for e in listed["events"] if e["id"] == once)
    assert once_json["durationMinutes"] == 1500 and once_json["reminderMessage"] == "Doors open"
    second = listed["events"][1]["id"]
    owncast("schedule", "cancel", second, datadir=migrated, check=True)
    text = owncast("schedule", "list", "--days", "366", datadir=migrated, check=True).stdout
    assert f"{second}\tThu {monday + timedelta(days=3)} 20:00 Europe/Berlin\t60 min\tWeekly [cancelled]" in text
    owncast("schedule", "delete", series_id, datadir=migrated, check=True)
    owncast("schedule", "delete", once, datadir=migrated, check=True)
    left = json.loads(owncast("schedule", "list", "--json", "--days", "366", datadir=migrated, check=True).stdout)
    assert left == {"series": [], "events": [{**listed["events"][1], "status": "cancelled"}]}


def test_refusals_say_why(migrated):
    cases = [
        (["add", "x", "--start", "2001-01-01 10:00"], "start must be in the future"),
        (["add", "x", "--start", "soon"], "--start: 'soon' is not a date and time such as '2026-07-06 18:00'"),
        (["add", "x", "--start", "2030-01-01 10:00", "--timezone", "Mars/Base"], "--timezone: unknown time zone"),
        (["add", "x", "--start", "2030-01-01 10:00", "--weekly", "XX"], "--weekly: XX not among MO,TU,WE,TH,FR,SA,SU"),
        (["add", "x", "--start", "2030-01-01 10:00", "--count", "3"], "--until and --count need --weekly or --rrule"),
        (["add", "x", "--start", "2030-01-01 10:00", "--rrule", "FREQ=SOMETIMES"],
         "unable to parse recurrence value: invalid 'FREQ': SOMETIMES"),
        (["cancel", "nope"], "no scheduled event or series with that id (see `owncast schedule list`)"),
    ]
    for args, message in cases:
        result = owncast("schedule", *args, datadir=migrated)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr, (args, result.stderr)
    assert json.loads(owncast("schedule", "list", "--json", datadir=migrated, check=True).stdout) == \
        {"series": [], "events": []}
