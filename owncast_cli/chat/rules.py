"""Pure chat policy: connection checks, frame size limits, who may send, name and colour changes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Final

from owncast_cli.chat.events import ChatUser, EventType, Payload, bare_event
from owncast_cli.chat.names import (
    DEFAULT_FORBIDDEN_USERNAMES,
    MAX_USER_COLOR,
    clean_display_name,
    forbidden_match,
)
from owncast_cli.chat.sanitize import markdown_escape
from owncast_cli.chat.slurs import contains_slur

# config.MaxSocketPayloadSize: larger frames are dropped with TOO_LARGE_MESSAGE; the websocket
# read limit is twice that, and a frame beyond it closes the socket (chatclient.go readPump).
MAX_SOCKET_PAYLOAD_SIZE: Final = 2048
MAX_FRAME_SIZE: Final = 2 * MAX_SOCKET_PAYLOAD_SIZE
# config.ChatEstablishedUserModeTimeDuration.
ESTABLISHED_USER_SECONDS: Final = 15 * 60
# events.go userMessageSent: messages are ignored once the stream has been offline this long.
OFFLINE_GRACE_SECONDS: Final = 5 * 60

# Owncast's own wording, sent to the sender as CHAT_ACTION (Markdown; see render_trusted_markdown).
TOO_LARGE_MESSAGE: Final = "Sorry, that message exceeded the maximum size and can't be delivered."
NOT_ESTABLISHED_MESSAGE: Final = (
    "You have not been an established chat participant long enough to take part in chat. "
    "Please enjoy the stream and try again later."
)
AUTH_REQUIRED_MESSAGE: Final = "Authentication is required to participate in chat."
EMPTY_NAME_MESSAGE: Final = "Display name cannot be empty or contain only whitespace."
# Ours: Owncast has no wording for these cases (it drops silently or does not check).
CHAT_DISABLED_MESSAGE: Final = "Chat is currently disabled."
OFFLINE_MESSAGE: Final = "Chat is closed while the stream is offline."
SLUR_MESSAGE: Final = "Your message was not sent because it contains a word that is not allowed here."


class Reason(StrEnum):
    """Why an inbound event was refused."""

    USER_DISABLED = "user_disabled"
    CHAT_DISABLED = "chat_disabled"
    NOT_ESTABLISHED = "not_established"
    AUTH_REQUIRED = "auth_required"
    OFFLINE = "offline"
    SLUR = "slur"
    EMPTY_NAME = "empty_name"
    FORBIDDEN_NAME = "forbidden_name"
    NAME_TAKEN = "name_taken"
    INVALID_COLOR = "invalid_color"


@dataclass(frozen=True)
class Rejection:
    """A refused event. Send ``message`` (Markdown, when not None) to the sender as CHAT_ACTION;
    when ``resend_user_info`` is set also send a fresh CONNECTED_USER_INFO, as Owncast does after
    a refused name change so the client's name field is back in sync."""

    reason: Reason
    message: str | None
    resend_user_info: bool = False


@dataclass(frozen=True)
class ChatPolicy:
    """The chat settings the rules read (config keys in comments)."""

    chat_disabled: bool = False  # chat_disabled
    established_users_only: bool = False  # chat_established_users_only_mode
    require_authentication: bool = False  # chat_require_authentication
    slur_filter_enabled: bool = False  # chat_slur_filter_enabled
    offline_chat_enabled: bool = True  # chat_offline_enabled (ours; off gives Owncast's rule)
    forbidden_usernames: tuple[str, ...] = DEFAULT_FORBIDDEN_USERNAMES  # blocked_usernames
    extra_slurs: tuple[str, ...] = ()


@dataclass(frozen=True)
class StreamState:
    """Whether the stream is live, and when it last ended (epoch seconds, None if never)."""

    online: bool
    last_disconnect_at: float | None = None


@dataclass(frozen=True)
class ConnectRefusal:
    """Answer the ``/ws`` request with this HTTP status and body instead of upgrading."""

    status: int
    body: str


@dataclass(frozen=True)
class SessionRefusal:
    """After the upgrade: send ``event`` (when not None), then close the socket."""

    event: Payload | None


class FrameSize(Enum):
    """What to do with an inbound frame of a given size."""

    ACCEPT = "accept"
    DROP = "drop"  # send TOO_LARGE_MESSAGE as CHAT_ACTION and carry on
    CLOSE = "close"  # beyond the read limit: close the socket (websocket close code 1009)


@dataclass(frozen=True)
class NameChange:
    """A checked NAME_CHANGE. If ``rejection`` is None and not ``unchanged``, look up whether a
    registered user holds ``name`` (use :func:`name_taken_rejection` if so), then apply it."""

    name: str
    rejection: Rejection | None = None
    unchanged: bool = False


def check_connect(
    policy: ChatPolicy, *, ip_banned: bool, client_count: int, max_clients: int
) -> ConnectRefusal | None:
    """Owncast's checks before the websocket upgrade (server.go HandleClientConnection)."""
    if policy.chat_disabled:
        return ConnectRefusal(200, str(EventType.CHAT_DISABLED))
    if ip_banned:
        return ConnectRefusal(403, "")
    if client_count >= max_clients:
        return ConnectRefusal(200, str(EventType.ERROR_MAX_CONNECTIONS_EXCEEDED))
    return None


def check_session(*, access_token: str | None, user: ChatUser | None) -> SessionRefusal | None:
    """Owncast's checks right after the upgrade: a token is required, must belong to a user,
    and that user must not be disabled."""
    if not access_token:
        return SessionRefusal(None)
    if user is None:
        return SessionRefusal(bare_event(EventType.ERROR_NEEDS_REGISTRATION))
    if user.disabled_at is not None:
        return SessionRefusal(bare_event(EventType.ERROR_USER_DISABLED))
    return None


def check_frame_size(size: int) -> FrameSize:
    """Classify an inbound frame by its size in bytes."""
    if size > MAX_FRAME_SIZE:
        return FrameSize.CLOSE
    if size > MAX_SOCKET_PAYLOAD_SIZE:
        return FrameSize.DROP
    return FrameSize.ACCEPT


def check_sender(user: ChatUser, policy: ChatPolicy, *, now: float) -> Rejection | None:
    """Whether ``user`` may send any event at all (CHAT, NAME_CHANGE and COLOR_CHANGE alike, as
    in server.go eventReceived). Moderators skip the established-user and authentication rules."""
    if user.disabled_at is not None:
        return Rejection(Reason.USER_DISABLED, None)
    if policy.chat_disabled:
        return Rejection(Reason.CHAT_DISABLED, CHAT_DISABLED_MESSAGE)
    young = now - user.created_at < ESTABLISHED_USER_SECONDS
    if policy.established_users_only and young and not user.is_moderator:
        return Rejection(Reason.NOT_ESTABLISHED, NOT_ESTABLISHED_MESSAGE)
    if policy.require_authentication and not (user.authenticated or user.is_moderator):
        return Rejection(Reason.AUTH_REQUIRED, AUTH_REQUIRED_MESSAGE)
    return None


def check_chat_message(
    raw_body: str, policy: ChatPolicy, stream: StreamState, *, now: float, event_window_open: bool = False
) -> Rejection | None:
    """Checks on a CHAT body beyond :func:`check_sender`. ``now`` is epoch seconds.

    Owncast drops messages once the stream has been offline for five minutes (though never
    before the first stream), silently; with ``offline_chat_enabled`` (our default) chat stays
    open, and without it the sender is told why. A scheduled stream's chat window
    (``event_window_open``) opens it too.
    """
    ended = stream.last_disconnect_at
    offline_too_long = not stream.online and ended is not None and now - ended > OFFLINE_GRACE_SECONDS
    if offline_too_long and not policy.offline_chat_enabled and not event_window_open:
        return Rejection(Reason.OFFLINE, OFFLINE_MESSAGE)
    if policy.slur_filter_enabled and contains_slur(raw_body, policy.extra_slurs):
        return Rejection(Reason.SLUR, SLUR_MESSAGE)
    return None


def check_color_change(new_color: int) -> Rejection | None:
    """A display colour must be a palette index 0..7. Owncast only checks the upper bound and
    says nothing; we refuse negative values too, still silently."""
    if 0 <= new_color <= MAX_USER_COLOR:
        return None
    return Rejection(Reason.INVALID_COLOR, None)


def prepare_name_change(proposed: str, *, current_name: str, policy: ChatPolicy) -> NameChange:
    """Clean and check a NAME_CHANGE in Owncast's order (services/chat/events.go): cut to 30
    characters, refuse empty names and names containing a forbidden word, and treat the current
    name as a no-op (resend CONNECTED_USER_INFO only)."""
    name = clean_display_name(proposed)
    if not name:
        return NameChange(name, Rejection(Reason.EMPTY_NAME, EMPTY_NAME_MESSAGE, resend_user_info=True))
    if forbidden_match(name, policy.forbidden_usernames) is not None:
        message = f"You cannot change your name to **{markdown_escape(name)}**."
        return NameChange(name, Rejection(Reason.FORBIDDEN_NAME, message, resend_user_info=True))
    return NameChange(name, unchanged=name == current_name)


def name_taken_rejection(name: str) -> Rejection:
    """The refusal when a registered (authenticated or API) user other than the sender holds
    ``name``. Owncast compares the exact name and also refuses a user's own name; exclude the
    sender in the lookup."""
    message = (
        f"The name **{markdown_escape(name)}** has already been registered. "
        "If this is your name, please authenticate."
    )
    return Rejection(Reason.NAME_TAKEN, message, resend_user_info=True)


def user_removed_message(display_name: str) -> str:
    """The CHAT_ACTION broadcast when a moderator disables a user."""
    return f"**{markdown_escape(display_name)}** has been removed from chat."


def authenticated_as_message(old_name: str, new_name: str) -> str:
    """The CHAT_ACTION when a login re-points a token to an existing user with another name
    (Owncast sends it only when the names differ; no full stop in its wording)."""
    return f"**{markdown_escape(old_name)}** is now authenticated as **{markdown_escape(new_name)}**"
