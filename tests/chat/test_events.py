"""Chat wire events: type names, exact server payloads, client frame parsing, frame batching."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.chat.events import (
    ChatMessageSent,
    ChatProtocolError,
    ChatUser,
    ColorChangeRequested,
    EventType,
    NameChangeRequested,
    UnknownClientEvent,
    action_event,
    bare_event,
    chat_event,
    connected_user_info_event,
    encode_batch,
    encode_event,
    fediverse_engagement_event,
    fold_frame_newlines,
    format_timestamp,
    name_change_event,
    new_event_id,
    parse_client_frame,
    split_frame,
    system_event,
    user_disabled_event,
    user_joined_event,
    user_parted_event,
    user_payload,
    visibility_update_event,
)

NOW = 1_700_000_000.25  # 2023-11-14T22:13:20.25Z
CREATED = 1_600_000_000.0  # 2020-09-13T12:26:40Z
USER = ChatUser(id="u1", display_name="sunny-otter", display_color=3, created_at=CREATED,
                previous_names=("sunny-otter",))
USER_JSON = ('{"createdAt":"2020-09-13T12:26:40Z","id":"u1","displayName":"sunny-otter",'
             '"previousNames":["sunny-otter"],"displayColor":3,"isBot":false,"authenticated":false}')


def fixed_id() -> str:
    return "ev1"


def test_all_type_strings() -> None:
    # Owncast's full set: the summary in the reference says 21, but its own breakdown (14 sent on
    # the socket, 2 HTTP bodies with one overlap, 3 client types of which 2 shared, 4 reserved)
    # adds up to these 20 distinct strings.
    assert sorted(kind.value for kind in EventType) == sorted([
        "CHAT", "NAME_CHANGE", "COLOR_CHANGE", "USER_JOINED", "USER_PARTED", "VISIBILITY-UPDATE",
        "SYSTEM", "CHAT_ACTION", "CONNECTED_USER_INFO", "FEDIVERSE_ENGAGEMENT_FOLLOW",
        "FEDIVERSE_ENGAGEMENT_LIKE", "FEDIVERSE_ENGAGEMENT_REPOST", "ERROR_NEEDS_REGISTRATION",
        "ERROR_USER_DISABLED", "ERROR_MAX_CONNECTIONS_EXCEEDED", "CHAT_DISABLED", "PING", "PONG",
        "STREAM_STARTED", "STREAM_STOPPED",
    ])


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (NOW, "2023-11-14T22:13:20.25Z"),
        (CREATED, "2020-09-13T12:26:40Z"),
        (0.0, "1970-01-01T00:00:00Z"),
        (1.5, "1970-01-01T00:00:01.5Z"),
        (1.000001, "1970-01-01T00:00:01.000001Z"),
        (1_700_000_000.123456, "2023-11-14T22:13:20.123456Z"),
    ],
)
def test_format_timestamp(seconds: float, text: str) -> None:
    assert format_timestamp(seconds) == text


def test_new_event_id_looks_like_a_shortid() -> None:
    ids = {new_event_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"[0-9A-Za-z_-]{9}", value) for value in ids)


def test_user_payload_optional_fields() -> None:
    full = ChatUser(id="m", display_name="Mod", display_color=0, created_at=CREATED,
                    previous_names=("old", "Mod"), scopes=("MODERATOR",), is_bot=True, authenticated=True,
                    disabled_at=CREATED + 1, name_changed_at=CREATED + 2, auth_providers=("IndieAuth",))
    assert full.is_moderator and not USER.is_moderator
    assert list(user_payload(full)) == ["createdAt", "disabledAt", "nameChangedAt", "id", "displayName",
                                        "previousNames", "scopes", "authProviders", "displayColor", "isBot",
                                        "authenticated"]
    assert list(user_payload(USER)) == ["createdAt", "id", "displayName", "previousNames", "displayColor",
                                        "isBot", "authenticated"]


SERVER = '{"displayName":"My \\u0026 Server"}'
EXPECTED_FRAMES: list[tuple[dict[str, Any], str]] = [
    (chat_event(USER, "<p>hi & bye</p>", now=NOW, new_id=fixed_id),
     '{"body":"\\u003cp\\u003ehi \\u0026 bye\\u003c/p\\u003e","id":"ev1","timestamp":"2023-11-14T22:13:20.25Z",'
     f'"type":"CHAT","user":{USER_JSON},"visible":true}}'),
    (name_change_event(USER, "old name", now=NOW, new_id=fixed_id),
     '{"id":"ev1","oldName":"old name","timestamp":"2023-11-14T22:13:20.25Z","type":"NAME_CHANGE",'
     f'"user":{USER_JSON}}}'),
    (user_joined_event(USER, now=NOW, new_id=fixed_id),
     f'{{"id":"ev1","timestamp":"2023-11-14T22:13:20.25Z","type":"USER_JOINED","user":{USER_JSON}}}'),
    (user_parted_event(USER, now=NOW, new_id=fixed_id),
     f'{{"id":"ev1","timestamp":"2023-11-14T22:13:20.25Z","type":"USER_PARTED","user":{USER_JSON}}}'),
    (user_disabled_event(None, now=NOW, new_id=fixed_id),
     '{"id":"ev1","timestamp":"2023-11-14T22:13:20.25Z","type":"ERROR_USER_DISABLED","user":null}'),
    (connected_user_info_event(USER, now=NOW, new_id=fixed_id),
     f'{{"user":{USER_JSON},"timestamp":"2023-11-14T22:13:20.25Z","type":"CONNECTED_USER_INFO","id":"ev1"}}'),
    (visibility_update_event(["a", "b"], False, now=NOW, new_id=fixed_id),
     '{"id":"ev1","ids":["a","b"],"timestamp":"2023-11-14T22:13:20.25Z","type":"VISIBILITY-UPDATE",'
     '"visible":false}'),
    (system_event("<p>Welcome</p>", "My & Server", now=NOW, new_id=fixed_id),
     '{"body":"\\u003cp\\u003eWelcome\\u003c/p\\u003e","id":"ev1","timestamp":"2023-11-14T22:13:20.25Z",'
     f'"type":"SYSTEM","user":{SERVER}}}'),
    (action_event("ending", "My & Server", now=NOW, new_id=fixed_id),
     f'{{"body":"ending","id":"ev1","timestamp":"2023-11-14T22:13:20.25Z","type":"CHAT_ACTION","user":{SERVER}}}'),
    (fediverse_engagement_event(EventType.FEDIVERSE_ENGAGEMENT_LIKE, "liked", image=None,
                                link="https://x.example/@a", title="a@x.example", server_name="My & Server",
                                now=NOW, new_id=fixed_id),
     '{"body":"liked","id":"ev1","image":null,"link":"https://x.example/@a","timestamp":"2023-11-14T22:13:20.25Z",'
     f'"title":"a@x.example","type":"FEDIVERSE_ENGAGEMENT_LIKE","user":{SERVER}}}'),
    (bare_event(EventType.ERROR_NEEDS_REGISTRATION), '{"type":"ERROR_NEEDS_REGISTRATION"}'),
    (bare_event(EventType.ERROR_USER_DISABLED), '{"type":"ERROR_USER_DISABLED"}'),
]


@pytest.mark.parametrize(("event", "frame"), EXPECTED_FRAMES)
def test_server_events_encode_like_owncast(event: dict[str, Any], frame: str) -> None:
    assert encode_event(event) == frame
    assert split_frame(frame) == [event]


def test_fediverse_engagement_needs_an_engagement_type() -> None:
    with pytest.raises(ValueError):
        fediverse_engagement_event(EventType.CHAT, "x", image=None, link="", title="", server_name="s", now=NOW)


def test_batch_is_newline_joined_and_splits_back() -> None:
    events = [event for event, _ in EXPECTED_FRAMES]
    frame = encode_batch(events)
    assert frame == "\n".join(text for _, text in EXPECTED_FRAMES)
    assert split_frame(frame) == events
    assert encode_batch([]) == ""
    assert split_frame("") == []


def test_go_escapes_and_non_ascii() -> None:
    text = encode_event({"body": "é 🦦 <>& \u2028\u2029 \n \" \\"})
    assert text == '{"body":"é 🦦 \\u003c\\u003e\\u0026 \\u2028\\u2029 \\n \\" \\\\"}'
    assert json.loads(text) == {"body": "é 🦦 <>& \u2028\u2029 \n \" \\"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3),
    max_leaves=10,
)


@given(st.lists(st.dictionaries(st.text(), json_values, max_size=4), max_size=5))
def test_batch_round_trip(events: list[dict[str, Any]]) -> None:
    frame = encode_batch(events)
    assert split_frame(frame) == [event for event in events]
    assert encode_batch(split_frame(frame)) == frame


@pytest.mark.parametrize("frame", ["nope", "[1]", '{"a":1}\n2', '{"a":NaN}'])
def test_split_frame_rejects_garbage(frame: str) -> None:
    with pytest.raises(ChatProtocolError):
        split_frame(frame)


@pytest.mark.parametrize(
    ("frame", "event"),
    [
        ('{"type":"CHAT","body":"hi **there**"}', ChatMessageSent("hi **there**")),
        ('{"type":"CHAT"}', ChatMessageSent("")),
        ('{"type":"CHAT","body":"a\\nb","extra":[1,2]}', ChatMessageSent("a\nb")),
        ('{\n"type":"CHAT",\n"body":"x"\n}', ChatMessageSent("x")),
        ('  {"type":"CHAT","body":"x"}  \n', ChatMessageSent("x")),
        ('{"type":"CHAT","body":"\\ud800x"}', ChatMessageSent("\ufffdx")),
        ('{"type":"CHAT","body":"\\ud83e\\udda6"}', ChatMessageSent("🦦")),
        ('{"type":"NAME_CHANGE","newName":"Bob"}', NameChangeRequested("Bob")),
        ('{"type":"NAME_CHANGE"}', NameChangeRequested("")),
        ('{"type":"COLOR_CHANGE","newColor":5}', ColorChangeRequested(5)),
        ('{"type":"COLOR_CHANGE","newColor":-1}', ColorChangeRequested(-1)),
        ('{"type":"COLOR_CHANGE"}', ColorChangeRequested(0)),
        ('{"type":"PING"}', UnknownClientEvent("PING")),
        ('{"type":"chat","body":"x"}', UnknownClientEvent("chat")),
        (b'{"type":"CHAT","body":"caf\xc3\xa9"}', ChatMessageSent("café")),
    ],
)
def test_parse_client_frame(frame: str | bytes, event: object) -> None:
    assert parse_client_frame(frame) == event


@pytest.mark.parametrize(
    "frame",
    [
        "", "   ", "not json", "[]", "null", '"CHAT"', "{}", '{"type":1}', '{"type":null}',
        '{"type":"CHAT","body":5}', '{"type":"CHAT","body":null}', '{"type":"NAME_CHANGE","newName":["a"]}',
        '{"type":"COLOR_CHANGE","newColor":"3"}', '{"type":"COLOR_CHANGE","newColor":3.0}',
        '{"type":"COLOR_CHANGE","newColor":true}', '{"type":"COLOR_CHANGE","newColor":NaN}',
        '{"type":"CHAT","body":"x"} trailing', b'{"type":"CHAT","body":"\xff"}', "[" * 5000,
    ],
)
def test_parse_client_frame_rejects_malformed(frame: str | bytes) -> None:
    with pytest.raises(ChatProtocolError):
        parse_client_frame(frame)


@given(st.binary(max_size=64) | st.text(max_size=64))
def test_parse_client_frame_never_crashes(frame: str | bytes) -> None:
    try:
        parse_client_frame(frame)
    except ChatProtocolError:
        pass


@given(st.text(max_size=200))
def test_chat_body_round_trips_through_a_client_frame(body: str) -> None:
    frame = json.dumps({"type": "CHAT", "body": body})
    parsed = parse_client_frame(frame)
    assert isinstance(parsed, ChatMessageSent)
    assert parsed.body == re.sub("[\ud800-\udfff]", "\ufffd", body)


def test_fold_frame_newlines() -> None:
    assert fold_frame_newlines('\n{"type":"CHAT",\n"body":"a\\nb"}\n ') == '{"type":"CHAT", "body":"a\\nb"}'
