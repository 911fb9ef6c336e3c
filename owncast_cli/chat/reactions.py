"""What the chat daemon does about other daemons' bus events: stream up and down, config, sends."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.chat.core import CHAT_CONFIG_KEYS
from owncast_cli.chat.events import EventType
from owncast_cli.chat.rules import StreamState
from owncast_cli.chat.sanitize import markdown_escape, render_chat_message

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.chat.core import ChatCore

logger = logging.getLogger("owncast.chat")

#: Stream and title announcements older than this (a daemon catching up) are not shown.
STALE_ANNOUNCEMENT_SECONDS: Final = 60.0
STREAM_STARTING: Final = "Stay tuned, the stream is **starting**!"
STREAM_ENDING: Final = "The stream is ending."
BUS_TYPES: Final = ("stream.started", "stream.stopped", "config.changed", "chat.send_requested",
                    "chat.user_updated")


class BusReactions:
    """The chat daemon's durable bus subscription ("chat") and a handler per event type."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.handlers: dict[str, Callable[[Event], Awaitable[None]]] = {
            "stream.started": self._stream_started, "stream.stopped": self._stream_stopped,
            "config.changed": self._config_changed, "chat.send_requested": self._send_requested,
            "chat.user_updated": self._user_updated,
        }

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with self.core.bus.subscribe("chat", types=BUS_TYPES) as sub:
            await sub.ack(sub.last_seen)  # on a first start, "now" becomes the durable cursor
            task_status.started()
            async for event in sub:
                try:
                    await self.handlers[event.type](event)
                except Exception:
                    logger.exception("chat could not handle %s event %d", event.type, event.id)
                await sub.ack(event.id)

    def _fresh(self, event: Event) -> bool:
        return self.core.clock.now() - event.ts < STALE_ANNOUNCEMENT_SECONDS

    async def _stream_started(self, event: Event) -> None:
        core = self.core
        core.stream = StreamState(True, core.stream.last_disconnect_at)
        if self._fresh(event):
            core.announce(EventType.CHAT_ACTION, STREAM_STARTING)

    async def _stream_stopped(self, event: Event) -> None:
        self.core.stream = StreamState(False, event.ts)
        if self._fresh(event):
            self.core.announce(EventType.CHAT_ACTION, STREAM_ENDING)

    async def _config_changed(self, event: Event) -> None:
        core = self.core
        key, value = event.data.get("key"), event.data.get("value")
        if key not in CHAT_CONFIG_KEYS:
            return
        core.apply_config({key: await core.ctx.get_config(key)})  # the event masks secrets; read it
        if key == "stream_title" and value and self._fresh(event):
            core.announce(EventType.CHAT_ACTION, f"Stream title changed to **{markdown_escape(str(value))}**")

    async def _send_requested(self, event: Event) -> None:
        core = self.core
        body = str(event.data.get("body", ""))
        if event.data.get("system"):
            core.announce(EventType.SYSTEM, body)
            return
        bot = await core.users.bot(str(event.data.get("name") or core.server_name), now=core.clock.now())
        rendered = render_chat_message(body, core.emoji)
        if rendered is not None:
            core.post_message(bot, rendered, body, client_id=None)

    async def _user_updated(self, event: Event) -> None:
        user = await self.core.users.refresh(str(event.data.get("userId", "")))
        if user is not None:
            self.core.send_user_info(user)
