"""Chat opens the configured minutes before a scheduled stream, even while offline, and closes
10 minutes after its start when the stream has not come (Owncast's missed-event grace)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import trio

from owncast_cli.chat import schedule_window
from owncast_cli.chat.core import ChatCore, Clock
from owncast_cli.chat.rules import OFFLINE_MESSAGE, ChatPolicy, StreamState, check_chat_message
from owncast_cli.schedule import edits

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CLOSED = ChatPolicy(offline_chat_enabled=False)  # Owncast's rule: closed 5 minutes after a stream
LONG_OFFLINE = StreamState(online=False, last_disconnect_at=NOW.timestamp() - 3600)
ENDED_AFTER_START = StreamState(online=False, last_disconnect_at=NOW.timestamp() + 60)


def test_rule_opens_for_the_window():
    rejected = check_chat_message("hi", CLOSED, LONG_OFFLINE, now=NOW.timestamp())
    assert rejected is not None and rejected.message == OFFLINE_MESSAGE
    assert check_chat_message("hi", CLOSED, LONG_OFFLINE, now=NOW.timestamp(), event_window_open=True) is None


@pytest.mark.parametrize("minutes,offset,stream,is_open", [
    (30, -31, LONG_OFFLINE, False), (30, -30, LONG_OFFLINE, True), (30, -1, LONG_OFFLINE, True),
    (30, 9, LONG_OFFLINE, True),  # late, within the grace
    (30, 10, LONG_OFFLINE, False),  # missed: never came
    (30, 89, StreamState(online=True), True), (30, 89, ENDED_AFTER_START, True),
    (30, 90, StreamState(online=True), False), (0, -1, LONG_OFFLINE, False)])
async def test_window_from_the_schedule(db, tmp_path, minutes, offset, stream, is_open):
    db.write(lambda: edits.upsert(db, {"name": "Show", "start": "2026-03-01T12:00:00Z", "durationMinutes": 90},
                                  NOW - timedelta(days=1)))
    at = NOW + timedelta(minutes=offset)
    core = ChatCore(SimpleNamespace(db=db, bus=None, settings=SimpleNamespace(datadir=tmp_path)), clock=Clock(wall=at.timestamp))
    core.config.update(schedule_enabled=True, schedule_chat_open_minutes=minutes)
    core.stream = stream
    with trio.fail_after(5):
        await schedule_window.refresh(core)
    assert core.event_chat_open() is is_open
    core.config["schedule_enabled"] = False
    with trio.fail_after(5):
        await schedule_window.refresh(core)
    assert core.event_chat_open() is False
