"""The public schedule: ``GET /api/schedule?from=&to=`` and the iCalendar feed ``/api/schedule.ics``.

Both answer an empty schedule while the feature is off, without saying whether data exists
(Owncast ``webserver/handlers/schedule.go``, develop branch, commit 86011b77).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

from quart import Response, jsonify, request
from werkzeug.exceptions import BadRequest

from owncast_cli.repos import schedule as repo
from owncast_cli.schedule import ics, occurrences
from owncast_cli.schedule.edits import ScheduleInputError, parse_time
from owncast_cli.serve.app import no_cache

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.db import Database
    from owncast_cli.repos.schedule import Occurrence
    from owncast_cli.serve.app import Services

#: How much schedule one request may ask for: the viewer calendar asks month by month.
MAX_RANGE: Final = timedelta(days=366)
#: How far from now a public request may look, past or future.
MAX_DISTANCE: Final = timedelta(days=5 * 366)
#: How stale the next-event answer of the 5 s status poll may be.
NEXT_EVENT_TTL: Final = 5.0


def window(args: Any, now: datetime) -> tuple[datetime, datetime]:
    """The [from, to) of a public request (default: a week back to 90 days ahead), or BadRequest."""
    bounds = {"from": now - timedelta(days=7), "to": now + timedelta(days=90)}
    for name in bounds:
        value = args.get(name)
        if value:
            try:
                bounds[name] = parse_time(value, name)
            except ScheduleInputError as exc:
                raise BadRequest(f"Invalid format for parameter {name}: {exc}") from None
    start, end = bounds["from"], bounds["to"]
    if end <= start:
        raise BadRequest("to must be after from")
    if end - start > MAX_RANGE:
        raise BadRequest("requested schedule range is too large")
    if start > now + MAX_DISTANCE or end < now - MAX_DISTANCE:
        # Rules expand from their DTSTART: a window centuries away would cost seconds of CPU.
        raise BadRequest("requested schedule range is too far from now (at most 5 years)")
    return start, end


class NextEvent:
    """The current-or-next occurrence for ``/api/status``, cached: every viewer polls it."""

    def __init__(self, db: Database, clock: Any = time.monotonic) -> None:
        self.db, self.clock = db, clock
        self._at = -NEXT_EVENT_TTL
        self._value: Occurrence | None = None

    async def get(self) -> Occurrence | None:
        if self.clock() - self._at >= NEXT_EVENT_TTL:
            now = datetime.now(UTC)
            self._value = await self.db.run(lambda: occurrences.current_or_upcoming(self.db, now))
            self._at = self.clock()
        return self._value


def status_field(event: Occurrence, chat_open_minutes: int, now: datetime, stream: dict[str, Any]) -> dict[str, Any]:
    """``scheduledEvent`` of ``/api/status``: the occurrence and whether its chat window is open."""
    connected = stream.get("lastConnectTime")
    started = bool(stream.get("online")) or bool(connected and parse_time(connected, "lastConnectTime") >= event.start)
    return {**event.to_json(), "chatOpen": occurrences.chat_open(event, chat_open_minutes, now, started=started)}


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    @app.get("/api/schedule")
    async def get_schedule() -> Any:
        if not svc.live.values.schedule_enabled:
            return no_cache(jsonify([]))
        start, end = window(request.args, datetime.now(UTC))
        found = await db.run(lambda: occurrences.in_window(db, start, end))
        return no_cache(jsonify([event.to_json() for event in found]))

    @app.get("/api/schedule.ics")
    async def get_schedule_ics() -> Any:
        values = svc.live.values
        now = datetime.now(UTC)

        def build() -> bytes:
            if not values.schedule_enabled:
                return ics.feed(values.server_name, [], [], now)
            return ics.feed(values.server_name, repo.all_series(db, active_only=True),
                            repo.events_starting(db, now - timedelta(days=7), now + timedelta(days=366)), now)

        body = await db.run(build)
        return no_cache(Response(body, mimetype="text/calendar", content_type="text/calendar; charset=utf-8"))
