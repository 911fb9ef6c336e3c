"""The pre-event chat window: chat opens the configured minutes before a scheduled stream,
even while offline (``schedule_chat_open_minutes``), until the event's end."""

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
    """Set ``core.event_window`` (epoch seconds) from the current-or-next scheduled event."""
    minutes = int(core.config.get("schedule_chat_open_minutes") or 0)
    if not core.config.get("schedule_enabled") or minutes <= 0:
        core.event_window = None
        return
    db, now = core.db, datetime.fromtimestamp(core.clock.now(), UTC)
    event = await db.run(lambda: occurrences.current_or_upcoming(db, now))
    window = occurrences.chat_window(event, minutes) if event is not None else None
    core.event_window = (window[0].timestamp(), window[1].timestamp()) if window else None


async def refresh_forever(core: ChatCore) -> None:
    while True:
        await refresh(core)
        await trio.sleep(REFRESH_SECONDS)
