"""The schedule's events."""

from __future__ import annotations

from dataclasses import dataclass

from owncast_cli.bus.eventtype import BusEvent, event_type


@event_type("schedule.reminder", publishers=("serve",))
@dataclass(frozen=True)
class ScheduleReminder(BusEvent):
    """Published once per occurrence (and per reminder slot: a second reminder is optional), the
    configured time before it starts: notify sends ``message`` through its channels and federate
    posts it."""

    event_id: str
    name: str
    starts_at: str  # RFC 3339, the occurrence's start
    message: str
