"""The schedule API over HTTP against ``owncast serve``: Owncast's admin story (its
``test/automated/api/schedule.test.js``), every validation message, auth, and the feed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.schedule.conftest import ADMIN

pytestmark = pytest.mark.e2e

WEEKLY = "DTSTART;TZID=America/Los_Angeles:{day}T190000\nRRULE:FREQ=WEEKLY"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def soon(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def weekly(days_ahead: int = 2) -> str:
    return WEEKLY.format(day=soon(days_ahead).strftime("%Y%m%d"))


def eventually(check, timeout: float = 8.0):
    """Poll until ``check`` returns a value: the status answer is cached for 5 s, and serve's
    copy of the config follows the bus."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value is not None or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/admin/schedule"), ("POST", "/api/admin/schedule/event"),
    ("POST", "/api/admin/schedule/event/delete"), ("POST", "/api/admin/schedule/preview"),
    ("POST", "/api/admin/config/schedule/enabled"), ("POST", "/api/admin/config/schedule/showcountdown"),
    ("POST", "/api/admin/config/schedule/chatopenminutes"), ("POST", "/api/admin/config/schedule/remindermessage"),
    ("POST", "/api/admin/config/schedule/firstreminderminutes"),
    ("POST", "/api/admin/config/schedule/secondreminderminutes"),
])
def test_admin_routes_need_auth(public, method, path):
    r = public.request(method, path, json={"value": True})
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Basic realm=")
    assert "Unauthorized" in r.text


def test_settings_and_their_messages(admin, public):
    cases = [
        ("showcountdown", True, 200, "schedule countdown setting updated"),
        ("showcountdown", "yes", 400, "value must be a boolean"),
        ("enabled", 1, 400, "value must be a boolean"),
        ("chatopenminutes", 30, 200, "schedule chat open setting updated"),
        ("chatopenminutes", 15, 400, "value must be 0, 5, 10, 30, or 60 minutes"),
        ("chatopenminutes", 7.5, 400, "value must be a whole number of minutes"),
        ("chatopenminutes", "30", 400, "value must be a whole number of minutes"),
        ("remindermessage", "Starting soon!", 200, "schedule reminder message updated"),
        ("remindermessage", 5, 400, "value must be a string"),
        ("firstreminderminutes", 60.0, 200, "schedule reminder setting updated"),
        ("firstreminderminutes", 10, 400, "value must be 0, 15, 30, 60, 120, or 1440 minutes"),
        ("secondreminderminutes", 15, 200, "schedule reminder setting updated"),
        ("secondreminderminutes", 1441, 400, "value must be 0, 15, 30, 60, 120, or 1440 minutes"),
    ]
    for path, value, code, message in cases:
        r = admin.post(f"/api/admin/config/schedule/{path}", json={"value": value})
        assert r.status_code == code, (path, value, r.text)
        assert (r.json()["message"] if code == 200 else r.json()["error"]) == message
    assert admin.post("/api/admin/config/schedule/enabled", json={}).json()["success"] is False
    r = admin.post("/api/admin/config/schedule/chatopenminutes", content=b'{"value": Infinity}',
                   headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (400, {"error": "value must be a whole number of minutes"})
    # serve's copy of the config follows the bus: a moment after the write.
    want = {"enabled": True, "showCountdown": True, "chatOpenMinutesBefore": 30}
    assert eventually(lambda: public.get("/api/config").json()["schedule"] == want or None)
    assert admin.get("/api/admin/serverconfig").json()["schedule"] == {
        "enabled": True, "reminderMessage": "Starting soon!", "showCountdown": True, "chatOpenMinutes": 30,
        "firstReminderMinutes": 60, "secondReminderMinutes": 15}


def test_event_validation_messages(admin):
    start = iso(soon(1))
    cases = [
        ({"start": start}, "name is required"),
        ({"name": "  ", "start": start}, "name is required"),
        ({"name": "x", "start": start, "durationMinutes": 0}, "durationMinutes is out of range"),
        ({"name": "x", "start": start, "durationMinutes": 7 * 24 * 60 + 1}, "durationMinutes is out of range"),
        ({"name": "x", "start": start, "durationMinutes": "60"}, "durationMinutes must be a whole number of minutes"),
        ({"name": "x", "start": start, "recurrence": weekly()}, "start and recurrence are mutually exclusive"),
        ({"name": "x"}, "start is required for a one-off event"),
        ({"name": "x", "start": iso(soon(-0.05))}, "start must be in the future"),
        ({"name": "x", "start": "next friday"},
         "start must be an RFC 3339 date-time such as 2026-07-06T18:00:00Z (got 'next friday')"),
        ({"name": "x", "start": start, "timezone": "Mars/OlympusMons"}, "unknown timezone"),
        ({"name": "x", "recurrence": "RRULE:FREQ=WEEKLY"}, "recurrence value has no DTSTART"),
        ({"name": "x", "recurrence": "DTSTART:20300101T000000Z"}, "recurrence value has no RRULE"),
        ({"name": "x", "recurrence": "DTSTART:20300101T000000Z\nRRULE:FREQ=BOGUS"},
         "unable to parse recurrence value: invalid 'FREQ': BOGUS"),
        ({"name": "x", "recurrence": "DTSTART;TZID=Mars/X:20300101T000000\nRRULE:FREQ=WEEKLY"},
         "unable to parse recurrence value: unknown time zone 'Mars/X'"),
        ({"id": "nope", "name": "x"}, "no scheduled event or series with that id"),
        ({"name": "x" * 256, "start": start}, "name must be at most 255 characters (got 256)"),
        ({"name": "x", "start": start, "description": 5}, "description must be a string"),
        ({"id": "nope", "name": "x", "timezone": "UTC"}, "timezone cannot be changed on an update"),
    ]
    for body, message in cases:
        r = admin.post("/api/admin/schedule/event", json=body)
        assert r.status_code == 400, (body, r.text)
        assert r.json() == {"error": message}
    r = admin.post("/api/admin/schedule/event", content=b"[1]", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and "JSON object" in r.json()["error"]
    r = admin.post("/api/admin/schedule/event/delete", json={"id": "nope"})
    assert r.json() == {"error": "no scheduled event or series with that id"}


def test_preview(admin):
    r = admin.post("/api/admin/schedule/preview", json={"recurrence": weekly()})
    assert r.status_code == 200
    found = [datetime.fromisoformat(o) for o in r.json()["occurrences"]]
    assert len(found) == 5 and found == sorted(found)
    assert all(o.hour == 19 and o > datetime.now(UTC) for o in found)  # wall time in LA
    assert admin.post("/api/admin/schedule/preview", json={"recurrence": "RRULE:FREQ=WEEKLY"}).json() == \
        {"error": "recurrence value has no DTSTART"}
    assert admin.post("/api/admin/schedule/preview", json={}).json() == {"error": "recurrence value is empty"}


def test_public_window_validation(public):
    now = datetime.now(UTC)
    cases = [
        ({"from": iso(now + timedelta(days=10)), "to": iso(now + timedelta(days=5))}, "to must be after from"),
        ({"from": iso(now), "to": iso(now + timedelta(days=400))}, "requested schedule range is too large"),
        ({"from": "yesterday"}, "Invalid format for parameter from: from must be an RFC 3339 date-time "
                                "such as 2026-07-06T18:00:00Z (got 'yesterday')"),
        ({"from": "3000-01-01T00:00:00Z", "to": "3000-02-01T00:00:00Z"},
         "requested schedule range is too far from now (at most 5 years)"),
        ({"from": "0001-01-01T00:00:00+01:00"}, "Invalid format for parameter from: from must be an RFC 3339 "
                                                "date-time such as 2026-07-06T18:00:00Z (got '0001-01-01T00:00:00+01:00')"),
    ]
    for params, message in cases:
        r = public.get("/api/schedule", params=params)
        assert r.status_code == 400
        assert r.json() == {"error": message}
    far = {"from": iso(now + timedelta(days=200)), "to": iso(now + timedelta(days=210))}
    assert public.get("/api/schedule", params=far).status_code == 200


def test_the_owncast_story(admin, public):
    """Create a one-off and a weekly series, edit, cancel one occurrence, delete the series."""
    start = soon(1)
    r = admin.post("/api/admin/schedule/event", json={
        "name": "One-off", "description": "A single stream.", "start": iso(start),
        "timezone": "America/New_York", "durationMinutes": 90})
    assert r.status_code == 200, r.text
    one_off = next(e for e in r.json()["events"] if e["name"] == "One-off")
    assert set(one_off) == {"id", "name", "description", "startTime", "durationMinutes", "timezone", "status"}
    assert one_off["startTime"] == iso(start) and one_off["timezone"] == "America/New_York"
    assert one_off["status"] == "scheduled"

    listed = public.get("/api/schedule").json()
    assert [e["id"] for e in listed] == [one_off["id"]]
    status = eventually(lambda: public.get("/api/status").json().get("scheduledEvent"))
    assert status["id"] == one_off["id"] and status["chatOpen"] is False

    recurrence = weekly()
    r = admin.post("/api/admin/schedule/event", json={
        "name": "Weekly", "description": "Every week.", "recurrence": recurrence, "durationMinutes": 120})
    series = next(s for s in r.json()["series"] if s["name"] == "Weekly")
    assert series == {"id": series["id"], "name": "Weekly", "description": "Every week.",
                      "recurrence": recurrence, "durationMinutes": 120, "active": True}
    occurrences = [e for e in r.json()["events"] if e.get("seriesId") == series["id"]]
    assert len(occurrences) >= 8  # two months ahead
    first = occurrences[0]

    # Update the one-off with only a name: the other details stay; a past start changes nothing.
    r = admin.post("/api/admin/schedule/event", json={"id": one_off["id"], "name": "Renamed",
                                                      "durationMinutes": 30, "start": iso(soon(-1))})
    assert r.json() == {"error": "start must be in the future"}
    r = admin.post("/api/admin/schedule/event", json={"id": one_off["id"], "name": "Renamed"})
    renamed = next(e for e in r.json()["events"] if e["id"] == one_off["id"])
    assert renamed == {**one_off, "name": "Renamed"}
    for body, message in [
        ({"id": series["id"], "name": "Weekly", "start": iso(start)}, "has no single start"),
        ({"id": one_off["id"], "name": "x", "recurrence": recurrence}, "cannot become a recurring series"),
    ]:
        assert message in admin.post("/api/admin/schedule/event", json=body).json()["error"]

    # Cancel one occurrence: kept, shown cancelled; a series edit leaves it cancelled.
    r = admin.post("/api/admin/schedule/event/delete", json={"id": first["id"], "cancel": True})
    cancelled = next(e for e in r.json()["events"] if e["id"] == first["id"])
    assert cancelled["status"] == "cancelled" and cancelled["seriesId"] == series["id"]
    r = admin.post("/api/admin/schedule/event", json={"id": series["id"], "name": "Weekly show"})
    edited = [e for e in r.json()["events"] if e.get("seriesId") == series["id"]]
    assert {e["name"] for e in edited if e["status"] == "scheduled"} == {"Weekly show"}
    assert next(e for e in edited if e["id"] == first["id"])["status"] == "cancelled"

    # Delete one occurrence: gone for good (the rule does not bring it back).
    second = edited[1]
    r = admin.post("/api/admin/schedule/event/delete", json={"id": second["id"]})
    assert second["id"] not in {e["id"] for e in r.json()["events"]}

    # Pausing a series hides it; deleting keeps only its cancelled occurrence.
    r = admin.post("/api/admin/schedule/event/delete", json={"id": series["id"], "cancel": True})
    assert next(s for s in r.json()["series"] if s["id"] == series["id"])["active"] is False
    r = admin.post("/api/admin/schedule/event/delete", json={"id": series["id"]})
    assert series["id"] not in {s["id"] for s in r.json()["series"]}
    left = [e for e in r.json()["events"] if e.get("seriesId") == series["id"]]
    assert [(e["id"], e["status"]) for e in left] == [(first["id"], "cancelled")]

    # Turning the feature off hides everything from the public, keeps it for the admin.
    assert admin.post("/api/admin/config/schedule/enabled", json={"value": False}).status_code == 200
    assert eventually(lambda: public.get("/api/schedule").json() == [] or None)
    assert "scheduledEvent" not in public.get("/api/status").json()
    assert b"BEGIN:VEVENT" not in public.get("/api/schedule.ics").content
    assert any(e["id"] == one_off["id"] for e in admin.get("/api/admin/schedule").json()["events"])
    assert admin.post("/api/admin/config/schedule/enabled", json={"value": True}).status_code == 200
    admin.post("/api/admin/schedule/event/delete", json={"id": one_off["id"]})
    assert eventually(lambda: public.get("/api/config").json()["schedule"]["enabled"] or None)


def test_ics_headers(public):
    r = public.get("/api/schedule.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "no-cache" in r.headers["cache-control"]
    assert r.content.startswith(b"BEGIN:VCALENDAR\r\n") and r.content.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in r.content.replace(b"\r\n", b"")


def test_auth_is_checked_before_the_body(schedule_server):
    with httpx.Client(base_url=schedule_server.base_url, auth=(ADMIN[0], "wrong"), timeout=5) as client:
        assert client.post("/api/admin/schedule/event", content=b"not json").status_code == 401
