"""Owncast's webhook event data built from bus events (sans-IO: the server's state comes in).

``{"type": <EVENT>, "eventData": {...}}`` with the fields and order of Owncast's
``services/webhooks``: chat events carry ``status`` and ``serverURL`` first (Go's embedded
``BaseWebhookData``), stream events are a Go map (alphabetical keys), and the fediverse follow
has no ``status``. ``serverURL`` is left out while unset (Go's ``omitempty``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from owncast_cli.bus.catalog import (
    ChatMessage,
    ChatNameChange,
    ChatUserJoined,
    ChatUserParted,
    ChatVisibilityUpdate,
    ConfigChanged,
    FediverseEngagement,
    StreamStarted,
    StreamStopped,
)
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.webhooks.body import Snapshot, base, short_id

#: Owncast's 9 webhook event types.
CHAT, NAME_CHANGE, USER_JOINED, USER_PARTED = "CHAT", "NAME_CHANGE", "USER_JOINED", "USER_PARTED"
STREAM_STARTED, STREAM_STOPPED, STREAM_TITLE_UPDATED = "STREAM_STARTED", "STREAM_STOPPED", "STREAM_TITLE_UPDATED"
VISIBILITY_UPDATE, FEDIVERSE_ENGAGEMENT_FOLLOW = "VISIBILITY-UPDATE", "FEDIVERSE_ENGAGEMENT_FOLLOW"
EVENT_TYPES: Final = (CHAT, NAME_CHANGE, USER_JOINED, USER_PARTED, STREAM_STARTED, STREAM_STOPPED,
                      STREAM_TITLE_UPDATED, VISIBILITY_UPDATE, FEDIVERSE_ENGAGEMENT_FOLLOW)
#: The bus events that can become a webhook.
SOURCES: Final[tuple[type[BusEvent], ...]] = (
    ChatMessage, ChatNameChange, ChatUserJoined, ChatUserParted, ChatVisibilityUpdate,
    StreamStarted, StreamStopped, ConfigChanged, FediverseEngagement)

def webhook_type(body: BusEvent) -> str | None:
    """The Owncast event type a bus event becomes, or None when it is not a webhook event."""
    if isinstance(body, ConfigChanged):
        return STREAM_TITLE_UPDATED if body.key == "stream_title" else None
    if isinstance(body, FediverseEngagement):
        return FEDIVERSE_ENGAGEMENT_FOLLOW if body.kind == "follow" else None
    return _TYPES.get(type(body))


_TYPES: Final[dict[type[BusEvent], str]] = {
    ChatMessage: CHAT, ChatNameChange: NAME_CHANGE, ChatUserJoined: USER_JOINED, ChatUserParted: USER_PARTED,
    ChatVisibilityUpdate: VISIBILITY_UPDATE, StreamStarted: STREAM_STARTED, StreamStopped: STREAM_STOPPED,
}


def _chat(body: ChatMessage, snap: Snapshot, ts: str) -> dict[str, Any]:
    data = base(snap)
    # WebhookChatMessage: every field but ``visible`` is omitempty.
    for key, value in (("user", body.user), ("timestamp", body.timestamp), ("body", body.body),
                       ("rawBody", body.raw_body), ("id", body.id), ("clientId", body.client_id)):
        if value:
            data[key] = value
    data["visible"] = body.visible
    return data


def _user(body: ChatUserJoined | ChatUserParted, snap: Snapshot, ts: str) -> dict[str, Any]:
    return {**base(snap), "id": body.id, "timestamp": body.timestamp, "user": body.user}


def _name_change(body: ChatNameChange, snap: Snapshot, ts: str) -> dict[str, Any]:
    return {**base(snap), "id": body.id, "timestamp": body.timestamp, "user": body.user, "newName": body.new_name}


def _visibility(body: ChatVisibilityUpdate, snap: Snapshot, ts: str) -> dict[str, Any]:
    return {**base(snap), "id": body.id, "timestamp": body.timestamp, "user": body.user,
            "visible": body.visible, "ids": body.ids}


def _stream(body: BusEvent, snap: Snapshot, ts: str) -> dict[str, Any]:
    title = str(body.value) if isinstance(body, ConfigChanged) else snap.stream_title
    timestamp = body.time if isinstance(body, StreamStarted) else ts
    data: dict[str, Any] = {"id": short_id(), "name": snap.server_name}
    if snap.server_url:
        data["serverURL"] = snap.server_url
    data.update(status=snap.status, streamTitle=title, summary=snap.server_summary, timestamp=timestamp)
    return data


def _follow(body: FediverseEngagement, snap: Snapshot, ts: str) -> dict[str, Any]:
    data: dict[str, Any] = {"id": short_id(), "timestamp": body.time, "name": body.name, "username": body.username,
            "image": body.image or ""}
    if snap.server_url:
        data["serverURL"] = snap.server_url
    return data


_BUILDERS: Final[dict[str, Callable[[Any, Snapshot, str], dict[str, Any]]]] = {
    CHAT: _chat, USER_JOINED: _user, USER_PARTED: _user, NAME_CHANGE: _name_change,
    VISIBILITY_UPDATE: _visibility, STREAM_STARTED: _stream, STREAM_STOPPED: _stream,
    STREAM_TITLE_UPDATED: _stream, FEDIVERSE_ENGAGEMENT_FOLLOW: _follow,
}


def event_data(kind: str, body: BusEvent, snap: Snapshot, ts: str) -> dict[str, Any]:
    """The ``eventData`` of a ``kind`` webhook for ``body``; ``ts`` is the event's RFC 3339 time."""
    return _BUILDERS[kind](body, snap, ts)
