"""Owncast chat websocket events: wire type names, server event builders, client frame parser."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final, TypeAlias

from owncast_cli.repos.users import ChatUser

Payload: TypeAlias = dict[str, Any]
IdFactory: TypeAlias = Callable[[], str]


class EventType(StrEnum):
    """Every type string of Owncast's chat protocol (core/chat/events/eventtype.go, models)."""

    CHAT = "CHAT"  # both directions
    NAME_CHANGE = "NAME_CHANGE"  # both directions
    COLOR_CHANGE = "COLOR_CHANGE"  # client -> server only
    USER_JOINED = "USER_JOINED"
    USER_PARTED = "USER_PARTED"
    VISIBILITY_UPDATE = "VISIBILITY-UPDATE"  # the hyphen is Owncast's
    SYSTEM = "SYSTEM"
    CHAT_ACTION = "CHAT_ACTION"
    CONNECTED_USER_INFO = "CONNECTED_USER_INFO"
    FEDIVERSE_ENGAGEMENT_FOLLOW = "FEDIVERSE_ENGAGEMENT_FOLLOW"
    FEDIVERSE_ENGAGEMENT_LIKE = "FEDIVERSE_ENGAGEMENT_LIKE"
    FEDIVERSE_ENGAGEMENT_REPOST = "FEDIVERSE_ENGAGEMENT_REPOST"
    ERROR_NEEDS_REGISTRATION = "ERROR_NEEDS_REGISTRATION"
    ERROR_USER_DISABLED = "ERROR_USER_DISABLED"
    ERROR_MAX_CONNECTIONS_EXCEEDED = "ERROR_MAX_CONNECTIONS_EXCEEDED"  # also a plain HTTP body
    CHAT_DISABLED = "CHAT_DISABLED"  # a plain HTTP body before the upgrade
    # Reserved: keepalive uses websocket-level pings; STREAM_* are webhook event names.
    PING = "PING"
    PONG = "PONG"
    STREAM_STARTED = "STREAM_STARTED"
    STREAM_STOPPED = "STREAM_STOPPED"


FEDIVERSE_ENGAGEMENT_TYPES: Final = frozenset(
    {EventType.FEDIVERSE_ENGAGEMENT_FOLLOW, EventType.FEDIVERSE_ENGAGEMENT_LIKE,
     EventType.FEDIVERSE_ENGAGEMENT_REPOST}
)
# teris-io/shortid's alphabet; its ids are about nine characters long.
_SHORTID_ALPHABET: Final = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
_SHORTID_LENGTH: Final = 9
# Go's encoding/json escapes these inside strings by default (HTML-safe output).
_GO_ESCAPES: Final = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                      "\u2028": "\\u2028", "\u2029": "\\u2029"}
_GO_ESCAPE_RE: Final = re.compile("[<>&\u2028\u2029]")
_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class ChatProtocolError(ValueError):
    """A websocket frame that is not a well-formed Owncast chat event."""


@dataclass(frozen=True)
class ChatMessageSent:
    """Client CHAT: ``body`` is raw Markdown, not yet rendered."""

    body: str


@dataclass(frozen=True)
class NameChangeRequested:
    """Client NAME_CHANGE."""

    new_name: str


@dataclass(frozen=True)
class ColorChangeRequested:
    """Client COLOR_CHANGE (not range-checked here; see rules.check_color_change)."""

    new_color: int


@dataclass(frozen=True)
class UnknownClientEvent:
    """A well-formed frame whose type the server does not handle; Owncast ignores these."""

    type: str


ClientEvent: TypeAlias = ChatMessageSent | NameChangeRequested | ColorChangeRequested | UnknownClientEvent


def new_event_id() -> str:
    """A random shortid-like id (Owncast uses teris-io/shortid)."""
    return "".join(secrets.choice(_SHORTID_ALPHABET) for _ in range(_SHORTID_LENGTH))


def format_timestamp(seconds: float) -> str:
    """Epoch seconds as Go marshals a time.Time: RFC 3339, fraction without trailing zeros, UTC."""
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def user_payload(user: ChatUser) -> Payload:
    """The User JSON object, fields in models.User order; empty optional fields are omitted."""
    payload: Payload = {"createdAt": format_timestamp(user.created_at)}
    if user.disabled_at is not None:
        payload["disabledAt"] = format_timestamp(user.disabled_at)
    if user.name_changed_at is not None:
        payload["nameChangedAt"] = format_timestamp(user.name_changed_at)
    payload |= {"id": user.id, "displayName": user.display_name,
                "previousNames": list(user.previous_names)}
    if user.scopes:
        payload["scopes"] = list(user.scopes)
    if user.auth_providers:
        payload["authProviders"] = list(user.auth_providers)
    return payload | {"displayColor": user.display_color, "isBot": user.is_bot,
                      "authenticated": user.authenticated}


# Builders. Most of Owncast's payloads are Go maps (EventPayload), which encoding/json writes
# with sorted keys; _map_event sorts the same way so encode_event matches Owncast byte for byte.


def chat_event(
    user: ChatUser, body: str, *, now: float, new_id: IdFactory = new_event_id, visible: bool = True
) -> Payload:
    """CHAT broadcast; ``body`` is the sanitised HTML from sanitize.render_chat_message."""
    return _map_event(EventType.CHAT, now, new_id, body=body, user=user_payload(user), visible=visible)


def name_change_event(
    user: ChatUser, old_name: str, *, now: float, new_id: IdFactory = new_event_id
) -> Payload:
    """NAME_CHANGE broadcast; ``user`` already carries the new display name."""
    return _map_event(EventType.NAME_CHANGE, now, new_id, oldName=old_name, user=user_payload(user))


def user_joined_event(user: ChatUser, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """USER_JOINED broadcast."""
    return _map_event(EventType.USER_JOINED, now, new_id, user=user_payload(user))


def user_parted_event(user: ChatUser, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """USER_PARTED broadcast (userPartEvent.go)."""
    return _map_event(EventType.USER_PARTED, now, new_id, user=user_payload(user))


def user_disabled_event(user: ChatUser | None, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """ERROR_USER_DISABLED sent to each client of a banned user before closing it (2 s later).
    Owncast leaves ``user`` unset there, which marshals as null; pass None for that."""
    payload = None if user is None else user_payload(user)
    return _map_event(EventType.ERROR_USER_DISABLED, now, new_id, user=payload)


def connected_user_info_event(user: ChatUser, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """CONNECTED_USER_INFO to one client. A Go struct, not a map: user, then the Event fields."""
    return {"user": user_payload(user), "timestamp": format_timestamp(now),
            "type": str(EventType.CONNECTED_USER_INFO), "id": new_id()}


def visibility_update_event(
    ids: Sequence[str], visible: bool, *, now: float, new_id: IdFactory = new_event_id
) -> Payload:
    """VISIBILITY-UPDATE broadcast for hidden or re-shown message ids."""
    return _map_event(EventType.VISIBILITY_UPDATE, now, new_id, ids=list(ids), visible=visible)


def system_event(body: str, server_name: str, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """SYSTEM message shown as the server (welcome message, integrations)."""
    return _map_event(EventType.SYSTEM, now, new_id, body=body, user={"displayName": server_name})


def action_event(body: str, server_name: str, *, now: float, new_id: IdFactory = new_event_id) -> Payload:
    """CHAT_ACTION: stream start/stop notes, moderation notices and per-client warnings."""
    return _map_event(EventType.CHAT_ACTION, now, new_id, body=body, user={"displayName": server_name})


def fediverse_engagement_event(
    kind: EventType, body: str, *, image: str | None, link: str, title: str, server_name: str,
    now: float, new_id: IdFactory = new_event_id,
) -> Payload:
    """FEDIVERSE_ENGAGEMENT_FOLLOW/LIKE/REPOST: ``image`` is the actor avatar, ``title`` the
    ``user@host`` account and ``link`` the actor URL."""
    if kind not in FEDIVERSE_ENGAGEMENT_TYPES:
        raise ValueError(f"{kind} is not a fediverse engagement type")
    return _map_event(kind, now, new_id, body=body, image=image, link=link, title=title,
                      user={"displayName": server_name})


def bare_event(kind: EventType) -> Payload:
    """``{"type": ...}`` alone: what Owncast writes for ERROR_NEEDS_REGISTRATION and for
    ERROR_USER_DISABLED when a banned user tries to connect, right before closing."""
    return {"type": str(kind)}


def _map_event(kind: EventType, now: float, new_id: IdFactory, **fields: Any) -> Payload:
    payload = {"id": new_id(), "timestamp": format_timestamp(now), "type": str(kind), **fields}
    return dict(sorted(payload.items()))


def encode_event(event: Mapping[str, Any]) -> str:
    """One event as compact JSON, escaped like Go's encoding/json (``<`` is ``\\u003c``...)."""
    text = json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # Outside strings JSON never holds these characters, so a plain substitution is exact.
    return _GO_ESCAPE_RE.sub(lambda match: _GO_ESCAPES[match.group(0)], text)


def encode_batch(events: Iterable[Mapping[str, Any]]) -> str:
    """Several events in one text frame, joined by newlines as Owncast's writePump coalesces."""
    return "\n".join(encode_event(event) for event in events)


def split_frame(text: str) -> list[Payload]:
    """Split a server text frame back into its events (what a client must do)."""
    events: list[Payload] = []
    for line in text.split("\n"):
        if line.strip():
            value = _loads(line)
            if not isinstance(value, dict):
                raise ChatProtocolError("each line of a chat frame must be a JSON object")
            events.append(value)
    return events


def fold_frame_newlines(data: str) -> str:
    """Owncast's readPump replaces raw newlines in the frame with spaces, then trims it. (An
    escaped ``\\n`` inside a JSON string survives and becomes a Markdown line break.)"""
    return data.replace("\n", " ").strip()


def parse_client_frame(data: str | bytes) -> ClientEvent:
    """Parse a client -> server text frame.

    Raises:
        ChatProtocolError: not UTF-8 JSON, not an object, no string ``type``, or a field of the
            wrong JSON type. A missing ``body``/``newName`` is "" and a missing ``newColor`` is 0,
            as Go's json.Unmarshal leaves them.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ChatProtocolError("chat frame is not UTF-8") from error
    value = _loads(fold_frame_newlines(data))
    if not isinstance(value, dict):
        raise ChatProtocolError("chat frame must be a JSON object")
    kind = value.get("type")
    if not isinstance(kind, str):
        raise ChatProtocolError("chat frame needs a string 'type'")
    if kind == EventType.CHAT:
        return ChatMessageSent(body=_string_field(value, "body"))
    if kind == EventType.NAME_CHANGE:
        return NameChangeRequested(new_name=_string_field(value, "newName"))
    if kind == EventType.COLOR_CHANGE:
        color = value.get("newColor", 0)
        if isinstance(color, bool) or not isinstance(color, int):
            raise ChatProtocolError("'newColor' must be an integer")
        return ColorChangeRequested(new_color=color)
    return UnknownClientEvent(type=_LONE_SURROGATE.sub("\ufffd", kind))


def _string_field(value: Mapping[str, Any], name: str) -> str:
    text = value.get(name, "")
    if not isinstance(text, str):
        raise ChatProtocolError(f"'{name}' must be a string")
    # Go's decoder turns an unpaired \ud800 escape into U+FFFD; Python keeps it and then fails to
    # encode it as UTF-8 on the way out, so replace it here.
    return _LONE_SURROGATE.sub("\ufffd", text)


def _loads(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as error:
        raise ChatProtocolError(f"chat frame is not valid JSON: {error}") from error


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
