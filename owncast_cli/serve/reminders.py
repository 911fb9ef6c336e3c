"""serve's reminder task: ``schedule.reminder`` once per occurrence and reminder slot, the
configured time before it (``schedule_reminder_minutes``, and ``schedule_second_reminder_minutes``
when set: Owncast's first and second reminders).

notify sends the message through its channels and federate posts it. Once means once: the
reminder's mark (``schedule_reminders``) is written in the same transaction that appends the
event to the bus log, so a crash (SIGKILL included) leaves both or neither, and a restart
before the stream starts sends a reminder the crash kept from going out. A reminder whose
stream has already started is not sent late.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.bus.catalog import ScheduleReminder
from owncast_cli.repos import schedule as repo
from owncast_cli.repos.schedule import SCHEDULED, Occurrence
from owncast_cli.schedule import occurrences

if TYPE_CHECKING:
    from owncast_cli.config.values import ConfigValues
    from owncast_cli.daemons.context import Context
    from owncast_cli.serve.liveconfig import LiveConfig

logger = logging.getLogger("owncast.serve.reminders")

#: Longest sleep between passes: edits to the schedule or its settings are seen this soon.
MAX_SLEEP: Final = 30.0


def message(event: Occurrence, default: str, server_url: str) -> str:
    """The reminder text: the event's own message or the default, then what and when."""
    text = (event.reminder_message or default).strip()
    when = event.start.astimezone(occurrences.zone_of(event)).strftime("%A %d %B %Y, %H:%M %Z")
    lines = [text, f"{event.name}: {when}"]
    if server_url:
        lines.append(server_url)
    return "\n".join(lines)


def leads(values: ConfigValues) -> list[tuple[str, timedelta]]:
    """(mark suffix, lead time) of each reminder slot that is on: Owncast has two."""
    first, second = values.schedule_reminder_minutes, values.schedule_second_reminder_minutes
    slots = [("", first)] + ([("#2", second)] if second != first else [])
    return [(suffix, timedelta(minutes=minutes)) for suffix, minutes in slots if minutes > 0]


def due(events: list[Occurrence], values: ConfigValues, lead: timedelta, now: datetime) -> list[Occurrence]:
    """Occurrences whose reminder time (``lead`` before them) has come and whose stream has not started."""
    return [e for e in events if e.status == SCHEDULED and e.start - lead <= now < e.start
            and (e.reminder_message or values.schedule_reminder_message).strip()]


async def run_once(ctx: Context, values: ConfigValues, now: datetime) -> tuple[int, float]:
    """One pass: publish what is due. Returns (reminders published, seconds until the next is due)."""
    db = ctx.db
    slots = leads(values) if values.schedule_enabled else []
    if not slots:
        return 0, MAX_SLEEP
    longest = max(lead for _, lead in slots)
    events = await db.run(lambda: occurrences.in_window(db, now, now + longest + timedelta(seconds=MAX_SLEEP)))
    sent, later = 0, [MAX_SLEEP]
    for suffix, lead in slots:
        for event in due(events, values, lead, now):
            reminder = ScheduleReminder(event.id, event.name, repo.to_text(event.start),
                                        message(event, values.schedule_reminder_message, values.server_url))

            def effect(key: str = event.id + suffix, reminder: ScheduleReminder = reminder) -> list[ScheduleReminder]:
                return [reminder] if repo.mark_reminded(db, key, now.timestamp()) else []

            if await ctx.bus.publish_many([], effect=effect):
                sent += 1
                logger.info("reminder for %s (%s) published", event.name, event.id)
        later += [(e.start - lead - now).total_seconds() for e in events if e.start - lead > now]
    return sent, min(later)


async def run(ctx: Context, live: LiveConfig, *,
              clock: Callable[[], datetime] = lambda: datetime.now(UTC),
              task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
    """Publish reminders until cancelled; a config change (a new lead time) starts a pass at once."""
    task_status.started()
    while True:
        changed = live.changed
        try:
            _, wait = await run_once(ctx, live.values, clock())
        except Exception:  # a bad row must not stop the reminders of the others
            logger.exception("schedule reminders failed; retrying")
            wait = MAX_SLEEP
        with trio.move_on_after(max(0.05, wait)):
            await changed.wait()
