"""``owncast schedule``: add, list, cancel and delete scheduled streams from the shell.

The same checks and messages as the admin API (``owncast_cli.schedule.edits``); a running
serve sees a change at its next look (the status answer within 5 s, reminders within 30 s).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import EXIT_USAGE, data_options, fail, json_option
from owncast_cli.settings import Settings

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@click.group("schedule")
def schedule_command() -> None:
    """Manage scheduled streams (one-off or recurring, RFC 5545 rules)."""


def _local_start(text: str, zone_name: str) -> datetime:
    from owncast_cli.schedule.recurrence import RecurrenceError, zone

    try:
        tz = zone(zone_name)
    except RecurrenceError as exc:
        fail(f"--timezone: {exc}; use an IANA name such as Europe/Berlin or America/New_York", EXIT_USAGE)
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"--start: {text!r} is not a date and time such as '2026-07-06 18:00'", EXIT_USAGE)
    return moment.astimezone(tz) if moment.tzinfo else moment.replace(tzinfo=tz)


def _rule(weekly: str | None, rrule: str | None, until: str | None, count: int | None, start: datetime) -> str | None:
    if weekly is None and rrule is None:
        if until or count:
            fail("--until and --count need --weekly or --rrule", EXIT_USAGE)
        return None
    if weekly is not None and rrule is not None:
        fail("give --weekly or --rrule, not both", EXIT_USAGE)
    if until and count:
        fail("give --until or --count, not both (RFC 5545 allows one)", EXIT_USAGE)
    if rrule is not None:
        parts = [rrule.removeprefix("RRULE:")]
    else:
        days = [d.strip().upper()[:2] for d in (weekly or "").split(",") if d.strip()]
        bad = [d for d in days if d not in DAYS]
        if bad:
            fail(f"--weekly: {', '.join(bad)} not among {','.join(DAYS)}", EXIT_USAGE)
        parts = ["FREQ=WEEKLY" + (f";BYDAY={','.join(days)}" if days else "")]
    if count:
        parts.append(f"COUNT={count}")
    if until:
        try:
            last = datetime.fromisoformat(until).replace(tzinfo=start.tzinfo)
        except ValueError:
            fail(f"--until: {until!r} is not a date such as 2026-12-31", EXIT_USAGE)
        if len(until) <= 10:  # a date: through the end of that day, in the event's zone
            last += timedelta(days=1, seconds=-1)
        parts.append("UNTIL=" + last.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    return ";".join(parts)


@schedule_command.command("add")
@data_options
@click.argument("name")
@click.option("--start", required=True, help="First start, wall-clock time in --timezone: '2026-07-06 18:00'.")
@click.option("--timezone", "zone_name", default="UTC", show_default=True, help="IANA time zone of --start.")
@click.option("--duration", type=click.IntRange(1, 7 * 24 * 60), default=60, show_default=True, help="Minutes.")
@click.option("--description", default="", help="What the stream is about.")
@click.option("--reminder", default=None, help="Reminder text for this event (default: schedule_reminder_message).")
@click.option("--weekly", default=None, help="Repeat weekly on these days: MO,TH (empty: the start's weekday).")
@click.option("--rrule", default=None, help="Repeat by an RFC 5545 rule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO'.")
@click.option("--until", default=None, help="Last day (or date-time) of a recurring event, in --timezone.")
@click.option("--count", type=click.IntRange(1, 1000), default=None, help="Number of occurrences.")
def add_command(settings: Settings, name: str, start: str, zone_name: str, duration: int, description: str,
                reminder: str | None, weekly: str | None, rrule: str | None, until: str | None,
                count: int | None) -> None:
    """Schedule NAME once, or recurring with --weekly / --rrule; prints its id."""
    from owncast_cli.schedule import edits
    from owncast_cli.schedule.recurrence import build

    local = _local_start(start, zone_name)
    rule = _rule(weekly, rrule, until, count, local)
    body: dict[str, Any] = {"name": name, "description": description, "durationMinutes": duration}
    if reminder is not None:
        body["reminderMessage"] = reminder
    if rule is None:
        body.update(start=local.isoformat(), timezone=zone_name)
    else:
        body["recurrence"] = build(local, zone_name, rule)
    db = open_db(settings)
    now = datetime.now(UTC)
    try:
        click.echo(db.write(lambda: edits.upsert(db, body, now)))
    except edits.ScheduleInputError as exc:
        fail(str(exc), EXIT_USAGE)


@schedule_command.command("list")
@data_options
@json_option
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True, help="How far ahead.")
def list_command(settings: Settings, as_json: bool, days: int) -> None:
    """Show the series and the occurrences of the next --days days."""
    from owncast_cli.repos import schedule as repo
    from owncast_cli.schedule import occurrences

    db = open_db(settings)
    now = datetime.now(UTC)
    found = occurrences.in_window(db, now - occurrences.MAX_DURATION, now + timedelta(days=days))
    found = [o for o in found if o.end > now]
    series = repo.all_series(db)
    if as_json:
        click.echo(json.dumps({"series": [s.to_json() for s in series], "events": [o.to_json() for o in found]},
                              indent=2))
        return
    for one in series:
        state = "" if one.active else " (paused)"
        click.echo(f"series {one.id}\t{one.name}{state}\t{' '.join(one.recurrence.split())}")
    for event in found:
        local = event.start.astimezone(occurrences.zone_of(event))
        mark = "" if event.status == "scheduled" else f" [{event.status}]"
        click.echo(f"{event.id}\t{local:%a %Y-%m-%d %H:%M} {event.timezone}\t{event.duration_minutes} min\t"
                   f"{event.name}{mark}")


def _remove(settings: Settings, event_id: str, cancel: bool) -> None:
    from owncast_cli.schedule import edits

    db = open_db(settings)
    now = datetime.now(UTC)
    try:
        db.write(lambda: edits.remove(db, {"id": event_id, "cancel": cancel}, now))
    except edits.ScheduleInputError as exc:
        fail(f"{exc} (see `owncast schedule list`)", EXIT_USAGE)


@schedule_command.command("cancel")
@data_options
@click.argument("event_id", metavar="ID")
def cancel_command(settings: Settings, event_id: str) -> None:
    """Cancel an occurrence (kept, shown as cancelled) or pause a whole series."""
    _remove(settings, event_id, True)
    click.echo("cancelled", err=True)


@schedule_command.command("delete")
@data_options
@click.argument("event_id", metavar="ID")
def delete_command(settings: Settings, event_id: str) -> None:
    """Delete an event, an occurrence or a whole series."""
    _remove(settings, event_id, False)
    click.echo("deleted", err=True)
