"""Chat: Owncast's chat events, and requests to the chat daemon."""

from __future__ import annotations

from dataclasses import dataclass, field

from owncast_cli.bus.eventtype import OMIT_NONE, WIRE_TYPE, BusEvent, JsonObject, event_type

# --- chat: Owncast's chat events ----------------------------------------------------------------


@event_type("chat.message", publishers=("chat",))
@dataclass(frozen=True)
class ChatMessage(BusEvent):
    """A user's message (``body`` is sanitised HTML, ``rawBody`` what they typed)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject
    visible: bool
    raw_body: str
    #: The sender's connection; absent for a message the chat daemon sends itself.
    client_id: int | None = field(default=None, metadata=OMIT_NONE)


@event_type("chat.system", publishers=("chat",))
@dataclass(frozen=True)
class ChatSystem(BusEvent):
    """A SYSTEM message from the server (Markdown rendered, not sanitised)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.action", publishers=("chat",))
@dataclass(frozen=True)
class ChatAction(BusEvent):
    """A CHAT_ACTION line (stream started or ended, title changed)."""

    body: str
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.fediverse_engagement", publishers=("chat",))
@dataclass(frozen=True)
class ChatFediverseEngagement(BusEvent):
    """A FEDIVERSE_ENGAGEMENT_FOLLOW/LIKE/REPOST line (shown when federation_show_engagement is on)."""

    body: str
    id: str
    image: str | None
    link: str
    timestamp: str
    title: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.user_joined", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserJoined(BusEvent):
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.user_parted", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserParted(BusEvent):
    id: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject


@event_type("chat.name_change", publishers=("chat",))
@dataclass(frozen=True)
class ChatNameChange(BusEvent):
    id: str
    old_name: str
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    user: JsonObject
    new_name: str


@event_type("chat.color_change", publishers=("chat",))
@dataclass(frozen=True)
class ChatColorChange(BusEvent):
    user: JsonObject
    new_color: int
    timestamp: str


@event_type("chat.visibility_update", publishers=("chat",))
@dataclass(frozen=True)
class ChatVisibilityUpdate(BusEvent):
    """Messages hidden or shown by a moderator (``user`` is always null, as Owncast's)."""

    id: str
    ids: list[str]
    timestamp: str
    kind: str = field(metadata=WIRE_TYPE)
    visible: bool
    user: JsonObject | None


@event_type("chat.user_enabled", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserEnabled(BusEvent):
    user: JsonObject


@event_type("chat.user_disabled", publishers=("chat",))
@dataclass(frozen=True)
class ChatUserDisabled(BusEvent):
    user: JsonObject


# --- requests to the chat daemon ----------------------------------------------------------------


@event_type("chat.send_requested", publishers=("cli",))
@dataclass(frozen=True)
class ChatSendRequested(BusEvent):
    """``owncast chat send``: a bot message (as ``name``), or a SYSTEM one."""

    body: str
    system: bool
    name: str | None = field(default=None, metadata=OMIT_NONE)


@event_type("chat.user_updated", publishers=("cli", "chat"))
@dataclass(frozen=True)
class ChatUserUpdated(BusEvent):
    """A user's scopes changed elsewhere: chat re-reads the user and re-sends its info."""

    user_id: str
    scopes: list[str] | None = field(default=None, metadata=OMIT_NONE)
    moderator: bool | None = field(default=None, metadata=OMIT_NONE)


#: The events the chat daemon publishes (what ``owncast chat tail`` follows).
CHAT_EVENTS: tuple[type[BusEvent], ...] = (
    ChatMessage, ChatSystem, ChatAction, ChatFediverseEngagement, ChatNameChange, ChatUserJoined, ChatUserParted,
    ChatVisibilityUpdate, ChatUserDisabled, ChatUserEnabled, ChatColorChange,
)
