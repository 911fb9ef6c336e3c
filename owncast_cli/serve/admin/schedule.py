"""The admin schedule API (Owncast develop branch, PR #5115, commit a6a3f368:
``webserver/handlers/admin/schedule.go``): the schedule settings under
``/api/admin/config/schedule/*``, the series and events under ``/api/admin/schedule*``.

Settings go through the config table like every setter (``owncast config set`` agrees), but
refuse with Owncast's own messages (400 ``{"error": ...}``) first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from quart import jsonify

from owncast_cli.config.store import ConfigError
from owncast_cli.schedule import edits
from owncast_cli.schedule.edits import ScheduleInputError
from owncast_cli.schedule.recurrence import RecurrenceError, parse
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store, ok
from owncast_cli.serve.admin.configure import set_values

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

PREVIEW_COUNT = 5


def error(message: str) -> Any:
    """Owncast's BadRequestHandler: 400 ``{"error": message}``."""
    response = jsonify({"error": message})
    response.status_code = 400
    return response


def _boolean(value: Any) -> Any:
    if not isinstance(value, bool):
        raise BadRequest("value must be a boolean")
    return value


def _minutes(*allowed: int) -> Callable[[Any], Any]:
    listed = ", ".join(str(m) for m in allowed[:-1]) + f", or {allowed[-1]} minutes"

    def check(value: Any) -> Any:
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())  # NaN, inf: no
        if isinstance(value, bool) or not whole:
            raise BadRequest("value must be a whole number of minutes")
        if int(value) not in allowed:
            raise BadRequest(f"value must be {listed}")
        return int(value)

    return check


def _string(value: Any) -> Any:
    if not isinstance(value, str):
        raise BadRequest("value must be a string")
    return value


#: Path below /api/admin/config/schedule/ -> (config key, Owncast's check, success message).
SETTINGS: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "enabled": ("schedule_enabled", _boolean, "schedule feature updated"),
    "showcountdown": ("schedule_show_countdown", _boolean, "schedule countdown setting updated"),
    "chatopenminutes": ("schedule_chat_open_minutes", _minutes(0, 5, 10, 30, 60), "schedule chat open setting updated"),
    "remindermessage": ("schedule_reminder_message", _string, "schedule reminder message updated"),
    "firstreminderminutes": ("schedule_reminder_minutes", _minutes(0, 15, 30, 60, 120, 1440),
                             "schedule reminder setting updated"),
    "secondreminderminutes": ("schedule_second_reminder_minutes", _minutes(0, 15, 30, 60, 120, 1440),
                              "schedule reminder setting updated"),
}


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db
    for path, (key, check, message) in SETTINGS.items():

        async def setter(key: str = key, check: Callable[[Any], Any] = check, message: str = message) -> Any:
            try:
                body = await json_object('{"value": ...}')
            except BadRequest as exc:
                return fail(str(exc))
            if "value" not in body:
                return fail('the body must be a JSON object such as {"value": ...}')
            try:
                value = check(body["value"])
            except BadRequest as exc:
                return error(str(exc))
            try:
                await set_values(svc.ctx, {key: value})
            except ConfigError as exc:
                return fail(str(exc))
            return ok(message)

        app.add_url_rule(f"/api/admin/config/schedule/{path}", f"admin_schedule_{path}", setter, methods=["POST"])

    async def answer() -> Any:
        now = datetime.now(UTC)
        return no_store(jsonify(await db.run(lambda: edits.admin_view(db, now))))

    async def change(apply: Callable[..., object]) -> Any:
        try:
            body = await json_object('{"name": "Weekly stream", "start": "2026-07-06T18:00:00Z"}')
        except BadRequest as exc:
            return error(str(exc))
        now = datetime.now(UTC)
        try:
            await db.run_write(lambda: apply(db, body, now))
        except ScheduleInputError as exc:
            return error(str(exc))
        return await answer()

    @app.get("/api/admin/schedule")
    async def admin_get_schedule() -> Any:
        return await answer()

    @app.post("/api/admin/schedule/event")
    async def admin_upsert_scheduled_event() -> Any:
        return await change(edits.upsert)

    @app.post("/api/admin/schedule/event/delete")
    async def admin_delete_scheduled_event() -> Any:
        return await change(edits.remove)

    @app.post("/api/admin/schedule/preview")
    async def admin_preview_schedule() -> Any:
        try:
            body = await json_object('{"recurrence": "DTSTART;TZID=Europe/Berlin:20260706T180000\\nRRULE:FREQ=WEEKLY"}')
        except BadRequest as exc:
            return error(str(exc))
        value = body.get("recurrence", "")
        if not isinstance(value, str):
            return error("recurrence must be a string")
        now = datetime.now(UTC)
        try:
            found = parse(value).expand(now, now + timedelta(days=365))
        except RecurrenceError as exc:
            return error(str(exc))
        return no_store(jsonify({"occurrences": [moment.isoformat() for moment in found[:PREVIEW_COUNT]]}))
