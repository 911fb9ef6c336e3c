"""What every part of the chat daemon shares: live settings, connected clients, clock and ways to send.

The parts (sessions, moderation, bus reactions, periodic jobs) each hold one :class:`ChatCore`.
Anything seen by more than one client goes through :meth:`ChatCore.publish`: the outbox commits it
to the database, then broadcasts it, so a client never sees a message that a crash could lose.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from owncast_cli.bus.catalog import ChatAction, ChatMessage, ChatSystem
from owncast_cli.chat import schedule_window
from owncast_cli.chat.events import (
    EventType,
    Payload,
    action_event,
    chat_event,
    connected_user_info_event,
    encode_event,
    format_timestamp,
    system_event,
    user_payload,
)
from owncast_cli.chat.hub import Client, Hub
from owncast_cli.chat.outbox import Outbox
from owncast_cli.chat.rules import ChatPolicy, StreamState
from owncast_cli.chat.sanitize import render_trusted_markdown
from owncast_cli.chat.users import UserCache
from owncast_cli.fdlimit import open_file_limit
from owncast_cli.geoip import GeoIP
from owncast_cli.proxies import parse_networks
from owncast_cli.repos.chat_messages import StoredMessage
from owncast_cli.repos.schedule import Occurrence
from owncast_cli.repos.users import ChatUser

if TYPE_CHECKING:
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.daemons.context import Context

CHAT_CONFIG_KEYS = (
    "chat_disabled", "chat_join_messages_enabled", "chat_established_users_only_mode",
    "chat_spam_protection_enabled", "chat_slur_filter_enabled", "chat_require_authentication",
    "chat_offline_enabled", "chat_history_retention_hours", "chat_max_connections",
    "blocked_usernames", "suggested_usernames", "server_welcome_message", "server_name",
    "stream_title", "trusted_proxies", "schedule_enabled", "schedule_chat_open_minutes",
    "federation_show_engagement",
)


@dataclass
class Clock:
    """Wall-clock seconds for timestamps, cooldowns and retention (delays use trio's clock).

    Tests give ``wall=lambda: EPOCH + trio.current_time()`` so trio's ``MockClock`` drives both.
    """

    wall: Callable[[], float] = time.time

    def now(self) -> float:
        return self.wall()


@dataclass
class ChatCore:
    """The shared state of one chat daemon."""

    ctx: Context
    clock: Clock = field(default_factory=Clock)
    hub: Hub = field(default_factory=Hub)
    config: dict[str, Any] = field(default_factory=dict)
    policy: ChatPolicy = field(default_factory=ChatPolicy)
    stream: StreamState = field(default_factory=lambda: StreamState(online=False))
    banned: set[str] = field(default_factory=set)
    emoji: dict[str, str] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.SystemRandom)
    networks: list[Any] = field(default_factory=list)
    #: Read once: the daemon raised it to the hard limit before it made this core.
    open_files: int = field(default_factory=open_file_limit)
    #: The current-or-next scheduled stream: chat opens ahead of it even while offline.
    event: Occurrence | None = None
    #: Committed-then-broadcast events (a test may give one that commits nowhere).
    outbox: Outbox = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        self.db, self.bus = self.ctx.db, self.ctx.bus
        self.geoip = GeoIP(self.ctx.settings.datadir)
        self.users = UserCache(self.db)
        if self.outbox is None:
            self.outbox = Outbox(self.db, self.bus, self.hub)

    def apply_config(self, values: dict[str, Any]) -> None:
        self.config.update(values)
        c = self.config
        self.policy = ChatPolicy(
            chat_disabled=bool(c["chat_disabled"]),
            established_users_only=bool(c["chat_established_users_only_mode"]),
            require_authentication=bool(c["chat_require_authentication"]),
            slur_filter_enabled=bool(c["chat_slur_filter_enabled"]),
            offline_chat_enabled=bool(c["chat_offline_enabled"]),
            forbidden_usernames=tuple(c["blocked_usernames"]),
        )
        self.networks = parse_networks(c.get("trusted_proxies") or [])

    def event_chat_open(self) -> bool:
        """Whether a scheduled stream's chat window is open now (chat/schedule_window.py)."""
        return schedule_window.is_open(self)

    @property
    def max_connections(self) -> int:
        configured = int(self.config.get("chat_max_connections") or 0)
        if configured:
            return configured
        # Owncast derives the limit from the open-file limit, keeping some for everything else.
        return max(1, self.open_files - 100)

    @property
    def server_name(self) -> str:
        return str(self.config.get("server_name") or "Owncast")

    # --- one client -------------------------------------------------------------------------

    def send(self, client: Client, payload: Payload) -> None:
        self.hub.offer(client, encode_event(payload))

    def send_action(self, client: Client, markdown: str) -> None:
        body = render_trusted_markdown(markdown).strip()
        self.send(client, action_event(body, self.server_name, now=self.clock.now()))

    def send_system(self, client: Client, markdown: str) -> None:
        body = render_trusted_markdown(markdown).strip()
        self.send(client, system_event(body, self.server_name, now=self.clock.now()))

    def send_user_info(self, user: ChatUser) -> None:
        self.hub.send_to_user(user.id, encode_event(connected_user_info_event(user, now=self.clock.now())))

    # --- everyone (committed first) ---------------------------------------------------------

    def publish(self, kind: type[BusEvent], payload: Payload, *, broadcast: bool, data: Payload | None = None,
                message: StoredMessage | None = None) -> None:
        """Record ``payload`` on the bus as ``kind`` (``data`` if given), and once committed broadcast it."""
        event = kind.from_data(data if data is not None else payload)
        self.outbox.record(event, message, encode_event(payload) if broadcast else None)

    def post_message(self, user: ChatUser, body: str, raw: str, *, client_id: int | None) -> Payload:
        """A CHAT message from ``user`` (``body`` already rendered): stored, then broadcast."""
        now = self.clock.now()
        payload = chat_event(user, body, now=now)
        data = {**payload, "rawBody": raw}
        if client_id is not None:
            data["clientId"] = client_id
        self.publish(ChatMessage, payload, broadcast=True, data=data,
                     message=StoredMessage(payload["id"], user.id, body, EventType.CHAT, now))
        return payload

    def announce(self, kind: EventType, markdown: str) -> Payload:
        """A SYSTEM or CHAT_ACTION message written by the server: stored, then broadcast."""
        now = self.clock.now()
        body = render_trusted_markdown(markdown).strip()
        build = system_event if kind is EventType.SYSTEM else action_event
        payload = build(body, self.server_name, now=now)
        stored = StoredMessage(payload["id"], None, body, kind, now)
        self.publish(ChatSystem if kind is EventType.SYSTEM else ChatAction, payload, broadcast=True, message=stored)
        return payload

    def stored_payload(self, message: StoredMessage, user: ChatUser | None) -> Payload:
        """A stored message as the HTTP API gives it, with its stored id and time.

        A CHAT message is Owncast's UserMessageEvent struct as encoding/json writes it (Event,
        UserEvent, MessageEvent fields in order; ``hiddenAt`` only when hidden; no ``visible``,
        which only the websocket's broadcast map has).
        """
        ident = lambda: message.id  # noqa: E731 - the stored id, not a new one
        if message.event_type == EventType.CHAT and user is not None:
            payload: Payload = {"timestamp": format_timestamp(message.timestamp), "type": str(EventType.CHAT),
                                "id": message.id, "user": user_payload(user)}
            if message.hidden_at is not None:
                payload["hiddenAt"] = format_timestamp(message.hidden_at)
            return payload | {"body": message.body}
        build = system_event if message.event_type == EventType.SYSTEM else action_event
        return build(message.body, self.server_name, now=message.timestamp, new_id=ident)
