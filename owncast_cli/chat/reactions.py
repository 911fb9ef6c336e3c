"""What the chat daemon does about other daemons' bus events: stream up and down, config, sends."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli.bus.catalog import (
    ChatFediverseEngagement,
    ChatSendRequested,
    ChatUserUpdated,
    ConfigChanged,
    FediverseEngagement,
    StreamStarted,
    StreamStopped,
)
from owncast_cli.chat.core import CHAT_CONFIG_KEYS
from owncast_cli.chat.events import EventType, fediverse_engagement_event
from owncast_cli.chat.rules import StreamState
from owncast_cli.chat.sanitize import markdown_escape, render_chat_message
from owncast_cli.repos.chat_messages import StoredMessage

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.chat.core import ChatCore

logger = logging.getLogger("owncast.chat")

#: Stream and title announcements older than this (a daemon catching up) are not shown.
STALE_ANNOUNCEMENT_SECONDS: Final = 60.0
STREAM_STARTING: Final = "Stay tuned, the stream is **starting**!"
STREAM_ENDING: Final = "The stream is ending."
BUS_TYPES: Final = (StreamStarted, StreamStopped, ConfigChanged, ChatSendRequested, ChatUserUpdated,
                    FediverseEngagement)
#: federate's engagement kinds as Owncast's chat event types.
ENGAGEMENT_TYPES: Final = {"follow": EventType.FEDIVERSE_ENGAGEMENT_FOLLOW, "like": EventType.FEDIVERSE_ENGAGEMENT_LIKE,
                           "repost": EventType.FEDIVERSE_ENGAGEMENT_REPOST}


class BusReactions:
    """The chat daemon's durable bus subscription ("chat") and a handler per event type."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.handlers: dict[type[BusEvent], Callable[[Event, Any], Awaitable[None]]] = {
            StreamStarted: self._stream_started, StreamStopped: self._stream_stopped,
            ConfigChanged: self._config_changed, ChatSendRequested: self._send_requested,
            ChatUserUpdated: self._user_updated, FediverseEngagement: self._engagement,
        }

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async with self.core.bus.subscribe("chat", types=BUS_TYPES) as sub:
            await sub.ack(sub.last_seen)  # on a first start, "now" becomes the durable cursor
            task_status.started()
            async for event, body in sub.decoded():
                try:
                    await self.handlers[type(body)](event, body)
                except Exception:
                    logger.exception("chat could not handle %s event %d", event.type, event.id)
                await sub.ack(event.id)

    def _fresh(self, event: Event) -> bool:
        return self.core.clock.now() - event.ts < STALE_ANNOUNCEMENT_SECONDS

    async def _stream_started(self, event: Event, body: StreamStarted) -> None:
        core = self.core
        core.stream = StreamState(True, core.stream.last_disconnect_at)
        if self._fresh(event):
            core.announce(EventType.CHAT_ACTION, STREAM_STARTING)

    async def _stream_stopped(self, event: Event, body: StreamStopped) -> None:
        self.core.stream = StreamState(False, event.ts)
        if self._fresh(event):
            self.core.announce(EventType.CHAT_ACTION, STREAM_ENDING)

    async def _config_changed(self, event: Event, body: ConfigChanged) -> None:
        core = self.core
        key, value = body.key, body.value
        if key not in CHAT_CONFIG_KEYS:
            return
        store = core.ctx.config
        core.apply_config({key: await core.ctx.db.run(lambda: store.get(key))})  # the event masks secrets
        if key == "stream_title" and value and self._fresh(event):
            core.announce(EventType.CHAT_ACTION, f"Stream title changed to **{markdown_escape(str(value))}**")

    async def _send_requested(self, event: Event, request: ChatSendRequested) -> None:
        core = self.core
        if request.system:
            core.announce(EventType.SYSTEM, request.body)
            return
        bot = await core.users.bot(request.name or core.server_name, now=core.clock.now())
        rendered = render_chat_message(request.body, core.emoji)
        if rendered is not None:
            core.post_message(bot, rendered, request.body, client_id=None)

    async def _engagement(self, event: Event, body: FediverseEngagement) -> None:
        """Owncast shows follows, likes and boosts in chat when federation_show_engagement is on."""
        core = self.core
        kind = ENGAGEMENT_TYPES.get(body.kind)
        if kind is None or not core.config.get("federation_show_engagement") or core.policy.chat_disabled:
            return
        payload = fediverse_engagement_event(kind, body.body, image=body.image, link=body.link, title=body.username,
                                             server_name=core.server_name, now=core.clock.now())
        stored = StoredMessage(payload["id"], None, body.body, kind, core.clock.now())
        core.publish(ChatFediverseEngagement, payload, broadcast=True, message=stored)

    async def _user_updated(self, event: Event, body: ChatUserUpdated) -> None:
        user = await self.core.users.refresh(body.user_id)
        if user is not None:
            self.core.send_user_info(user)
