"""The pre-event chat window: chat opens the configured minutes before a scheduled stream,
even while offline (``schedule_chat_open_minutes``), until the event's end, or until 10 minutes
after its start if the stream has not come (Owncast's missed-event grace)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.schedule import occurrences

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore

#: How often the next event is looked up; a new event is seen this soon.
REFRESH_SECONDS: Final = 20.0


async def refresh(core: ChatCore) -> None:
    """Set ``core.event``: the current-or-next scheduled stream."""
    if not core.config.get("schedule_enabled"):
        core.event = None
        return
    db, now = core.db, datetime.fromtimestamp(core.clock.now(), UTC)
    core.event = await db.run(lambda: occurrences.current_or_upcoming(db, now))


def is_open(core: ChatCore) -> bool:
    """Whether a scheduled stream's chat window is open now (see occurrences.chat_open)."""
    event, minutes = core.event, int(core.config.get("schedule_chat_open_minutes") or 0)
    if event is None or not core.config.get("schedule_enabled"):
        return False
    stream = core.stream
    # A stream that ended after the event's start went live for it.
    started = stream.online or (stream.last_disconnect_at or 0) >= event.start.timestamp()
    now = datetime.fromtimestamp(core.clock.now(), UTC)
    return occurrences.chat_open(event, minutes, now, started=started)


async def refresh_forever(core: ChatCore) -> None:
    while True:
        await refresh(core)
        await trio.sleep(REFRESH_SECONDS)
