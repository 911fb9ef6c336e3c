"""Chat policy: connect and session checks, frame sizes, sender rules, messages, names, colours."""

from __future__ import annotations

import pytest

from owncast_cli.chat.events import ChatUser
from owncast_cli.chat.rules import (
    AUTH_REQUIRED_MESSAGE,
    EMPTY_NAME_MESSAGE,
    MAX_FRAME_SIZE,
    MAX_SOCKET_PAYLOAD_SIZE,
    NOT_ESTABLISHED_MESSAGE,
    TOO_LARGE_MESSAGE,
    ChatPolicy,
    ConnectRefusal,
    FrameSize,
    NameChange,
    Reason,
    Rejection,
    SessionRefusal,
    StreamState,
    authenticated_as_message,
    check_chat_message,
    check_color_change,
    check_connect,
    check_frame_size,
    check_sender,
    check_session,
    name_taken_rejection,
    prepare_name_change,
    user_removed_message,
)
from owncast_cli.chat.slurs import SLURS

NOW = 1_700_000_000.0
OLD = ChatUser(id="o", display_name="old-timer", display_color=1, created_at=NOW - 3600)
NEW = ChatUser(id="n", display_name="newbie", display_color=1, created_at=NOW - 60)
NEW_MOD = ChatUser(id="m", display_name="mod", display_color=1, created_at=NOW - 60, scopes=("MODERATOR",))
NEW_AUTHED = ChatUser(id="a", display_name="authed", display_color=1, created_at=NOW - 60, authenticated=True)
BANNED = ChatUser(id="b", display_name="banned", display_color=1, created_at=NOW - 3600, disabled_at=NOW - 5)


def test_owncast_limits_and_wording() -> None:
    assert (MAX_SOCKET_PAYLOAD_SIZE, MAX_FRAME_SIZE) == (2048, 4096)
    assert TOO_LARGE_MESSAGE == "Sorry, that message exceeded the maximum size and can't be delivered."
    assert AUTH_REQUIRED_MESSAGE == "Authentication is required to participate in chat."
    assert NOT_ESTABLISHED_MESSAGE == ("You have not been an established chat participant long enough to take "
                                       "part in chat. Please enjoy the stream and try again later.")


@pytest.mark.parametrize(
    ("size", "verdict"),
    [(0, FrameSize.ACCEPT), (2048, FrameSize.ACCEPT), (2049, FrameSize.DROP), (4096, FrameSize.DROP),
     (4097, FrameSize.CLOSE), (10**6, FrameSize.CLOSE)],
)
def test_frame_size(size: int, verdict: FrameSize) -> None:
    assert check_frame_size(size) is verdict


@pytest.mark.parametrize(
    ("policy", "banned", "count", "refusal"),
    [
        (ChatPolicy(), False, 0, None),
        (ChatPolicy(chat_disabled=True), False, 0, ConnectRefusal(200, "CHAT_DISABLED")),
        (ChatPolicy(), True, 0, ConnectRefusal(403, "")),
        (ChatPolicy(), False, 10, ConnectRefusal(200, "ERROR_MAX_CONNECTIONS_EXCEEDED")),
        (ChatPolicy(), False, 9, None),
    ],
)
def test_check_connect(policy: ChatPolicy, banned: bool, count: int, refusal: ConnectRefusal | None) -> None:
    assert check_connect(policy, ip_banned=banned, client_count=count, max_clients=10) == refusal


@pytest.mark.parametrize(
    ("token", "user", "refusal"),
    [
        (None, OLD, SessionRefusal(None)),
        ("", None, SessionRefusal(None)),
        ("tok", None, SessionRefusal({"type": "ERROR_NEEDS_REGISTRATION"})),
        ("tok", BANNED, SessionRefusal({"type": "ERROR_USER_DISABLED"})),
        ("tok", OLD, None),
    ],
)
def test_check_session(token: str | None, user: ChatUser | None, refusal: SessionRefusal | None) -> None:
    assert check_session(access_token=token, user=user) == refusal


ESTABLISHED = ChatPolicy(established_users_only=True)
AUTH = ChatPolicy(require_authentication=True)


@pytest.mark.parametrize(
    ("user", "policy", "reason"),
    [
        (NEW, ChatPolicy(), None),
        (BANNED, ChatPolicy(), Reason.USER_DISABLED),
        (OLD, ChatPolicy(chat_disabled=True), Reason.CHAT_DISABLED),
        (NEW, ESTABLISHED, Reason.NOT_ESTABLISHED),
        (OLD, ESTABLISHED, None),
        (NEW_MOD, ESTABLISHED, None),
        (NEW_AUTHED, ESTABLISHED, Reason.NOT_ESTABLISHED),
        (OLD, AUTH, Reason.AUTH_REQUIRED),
        (NEW_AUTHED, AUTH, None),
        (NEW_MOD, AUTH, None),
        (NEW, ChatPolicy(established_users_only=True, require_authentication=True), Reason.NOT_ESTABLISHED),
    ],
)
def test_check_sender(user: ChatUser, policy: ChatPolicy, reason: Reason | None) -> None:
    rejection = check_sender(user, policy, now=NOW)
    assert (rejection.reason if rejection else None) == reason


def test_established_boundary_is_fifteen_minutes() -> None:
    user = ChatUser(id="x", display_name="x", display_color=0, created_at=NOW - 15 * 60)
    assert check_sender(user, ESTABLISHED, now=NOW) is None
    assert check_sender(user, ESTABLISHED, now=NOW - 0.001) == \
        Rejection(Reason.NOT_ESTABLISHED, NOT_ESTABLISHED_MESSAGE)


CLOSED_WHEN_OFFLINE = ChatPolicy(offline_chat_enabled=False)


@pytest.mark.parametrize(
    ("policy", "stream", "reason"),
    [
        (ChatPolicy(), StreamState(online=False, last_disconnect_at=NOW - 86400), None),
        (CLOSED_WHEN_OFFLINE, StreamState(online=True, last_disconnect_at=NOW - 86400), None),
        (CLOSED_WHEN_OFFLINE, StreamState(online=False, last_disconnect_at=None), None),
        (CLOSED_WHEN_OFFLINE, StreamState(online=False, last_disconnect_at=NOW - 300), None),
        (CLOSED_WHEN_OFFLINE, StreamState(online=False, last_disconnect_at=NOW - 301), Reason.OFFLINE),
    ],
)
def test_offline_rule(policy: ChatPolicy, stream: StreamState, reason: Reason | None) -> None:
    rejection = check_chat_message("hello", policy, stream, now=NOW)
    assert (rejection.reason if rejection else None) == reason


def test_slur_filter_only_when_enabled() -> None:
    live = StreamState(online=True)
    text = f"you {SLURS[0]}"
    assert check_chat_message(text, ChatPolicy(), live, now=NOW) is None
    rejection = check_chat_message(text, ChatPolicy(slur_filter_enabled=True), live, now=NOW)
    assert rejection is not None and rejection.reason is Reason.SLUR and rejection.message
    assert check_chat_message("bass fish", ChatPolicy(slur_filter_enabled=True), live, now=NOW) is None
    extra = ChatPolicy(slur_filter_enabled=True, extra_slurs=("grobble",))
    assert check_chat_message("grobble!", extra, live, now=NOW) is not None


@pytest.mark.parametrize(("color", "ok"), [(0, True), (7, True), (8, False), (-1, False), (1000, False)])
def test_check_color_change(color: int, ok: bool) -> None:
    assert check_color_change(color) == (None if ok else Rejection(Reason.INVALID_COLOR, None))


@pytest.mark.parametrize(
    ("proposed", "expected"),
    [
        ("  Bob ", NameChange("Bob")),
        ("<b>Bob</b>", NameChange("Bob")),
        ("z" * 40, NameChange("z" * 30)),
        ("newbie", NameChange("newbie", unchanged=True)),
        ("", NameChange("", Rejection(Reason.EMPTY_NAME, EMPTY_NAME_MESSAGE, resend_user_info=True))),
        ("  <i> </i>", NameChange("", Rejection(Reason.EMPTY_NAME, EMPTY_NAME_MESSAGE, resend_user_info=True))),
        ("SysAdmin_1", NameChange("SysAdmin_1", Rejection(
            Reason.FORBIDDEN_NAME, "You cannot change your name to **SysAdmin\\_1**.", resend_user_info=True))),
    ],
)
def test_prepare_name_change(proposed: str, expected: NameChange) -> None:
    assert prepare_name_change(proposed, current_name="newbie", policy=ChatPolicy()) == expected


def test_custom_forbidden_list() -> None:
    policy = ChatPolicy(forbidden_usernames=("streamer",))
    assert prepare_name_change("admin", current_name="x", policy=policy) == NameChange("admin")
    change = prepare_name_change("The Streamer", current_name="x", policy=policy)
    assert change.rejection is not None and change.rejection.reason is Reason.FORBIDDEN_NAME


def test_action_texts_escape_names() -> None:
    assert name_taken_rejection("Bob") == Rejection(
        Reason.NAME_TAKEN,
        "The name **Bob** has already been registered. If this is your name, please authenticate.",
        resend_user_info=True,
    )
    assert user_removed_message("a*b") == "**a\\*b** has been removed from chat."
    assert authenticated_as_message("old", "[new](x)") == "**old** is now authenticated as **\\[new\\]\\(x\\)**"
