"""Owncast's webhook bodies, field by field and in Go's order (services/webhooks/*_test.go)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from owncast_cli.bus.catalog import (
    ChatNameChange,
    ChatUserJoined,
    ChatUserParted,
    ChatVisibilityUpdate,
    ConfigChanged,
    FediverseEngagement,
    StreamStarted,
    StreamStopped,
    ViewersChanged,
)
from owncast_cli.notify import payloads, retry
from owncast_cli.webhooks import body, signature
from tests.notify.events import USER, chat
from tests.notify.receiver import check_signature

STATUS = body.status_object({"online": True, "lastConnectTime": "2026-12-08T01:00:00Z", "lastDisconnectTime": None},
                                {"current": 5, "sessionPeak": 69, "overallPeak": 420}, "my stream", "1.2.3")
SNAP = body.Snapshot("my server", "my server where I stream", "https://live.example", "my stream", STATUS)
TS = "1970-01-01T00:01:12.000006Z"


def test_status_object_is_owncasts_models_status() -> None:
    assert STATUS == {"lastConnectTime": "2026-12-08T01:00:00Z", "lastDisconnectTime": None,
                      "versionNumber": "1.2.3", "streamTitle": "my stream", "viewerCount": 5,
                      "overallMaxViewerCount": 420, "sessionMaxViewerCount": 69, "online": True}
    assert list(STATUS) == ["lastConnectTime", "lastDisconnectTime", "versionNumber", "streamTitle",
                            "viewerCount", "overallMaxViewerCount", "sessionMaxViewerCount", "online"]


def test_chat_message() -> None:
    data = payloads.event_data("CHAT", chat(1, "hi <b>"), SNAP, TS)
    assert list(data) == ["status", "serverURL", "user", "timestamp", "body", "rawBody", "id", "clientId", "visible"]
    assert data["user"] == USER and data["body"] == "<p>hi <b></p>" and data["rawBody"] == "hi <b>"
    assert (data["id"], data["clientId"], data["visible"], data["serverURL"]) == ("m1", 7, True, "https://live.example")
    text = body.encode("CHAT", data)
    assert text.startswith('{"eventData":{"status":') and text.endswith('"visible":true},"type":"CHAT"}')
    assert "\\u003cp\\u003ehi \\u003cb\\u003e" in text and "<" not in text  # Go's HTML-safe escaping
    assert json.loads(text)["eventData"] == data


def test_chat_user_events() -> None:
    joined = ChatUserJoined(id="j1", timestamp=TS, kind="USER_JOINED", user=USER)
    assert payloads.event_data("USER_JOINED", joined, SNAP, TS) == {
        "status": STATUS, "serverURL": "https://live.example", "id": "j1", "timestamp": TS, "user": USER}
    parted = ChatUserParted(id="p1", timestamp=TS, kind="USER_PARTED", user=USER)
    assert payloads.webhook_type(parted) == "USER_PARTED"
    renamed = ChatNameChange(id="n1", old_name="alice", timestamp=TS, kind="NAME_CHANGE", user=USER, new_name="bob")
    assert list(payloads.event_data("NAME_CHANGE", renamed, SNAP, TS)) == [
        "status", "serverURL", "id", "timestamp", "user", "newName"]
    hidden = ChatVisibilityUpdate(id="v1", ids=["m1", "m2"], timestamp=TS, kind="VISIBILITY-UPDATE", visible=False,
                                  user=None)
    assert payloads.webhook_type(hidden) == "VISIBILITY-UPDATE"
    assert payloads.event_data("VISIBILITY-UPDATE", hidden, SNAP, TS) == {
        "status": STATUS, "serverURL": "https://live.example", "id": "v1", "timestamp": TS, "user": None,
        "visible": False, "ids": ["m1", "m2"]}


def test_stream_events_are_a_go_map_in_key_order() -> None:
    started = StreamStarted(stream_id="s1", has_video=True, has_audio=True, remote_addr="127.0.0.1",
                            time="2026-12-08T01:00:00.000000Z", stream_details={})
    data = payloads.event_data("STREAM_STARTED", started, SNAP, TS)
    assert list(data) == ["id", "name", "serverURL", "status", "streamTitle", "summary", "timestamp"]
    assert (data["name"], data["summary"], data["streamTitle"], data["timestamp"]) == (
        "my server", "my server where I stream", "my stream", "2026-12-08T01:00:00.000000Z")
    assert len(data["id"]) == 9
    stopped = payloads.event_data("STREAM_STOPPED", StreamStopped("s1", "publisher left"), SNAP, TS)
    assert stopped["timestamp"] == TS
    title = ConfigChanged(key="stream_title", value="new title", restart_required=False)
    assert payloads.webhook_type(title) == "STREAM_TITLE_UPDATED"
    assert payloads.event_data("STREAM_TITLE_UPDATED", title, SNAP, TS)["streamTitle"] == "new title"
    assert payloads.webhook_type(ConfigChanged(key="server_name", value="x", restart_required=False)) is None
    assert payloads.webhook_type(ViewersChanged(1, 1, 1)) is None
    unset = body.Snapshot("n", "s", "", "t", STATUS)
    assert "serverURL" not in payloads.event_data("STREAM_STOPPED", StreamStopped("s1", "x"), unset, TS)


def test_fediverse_follow_has_no_status() -> None:
    follow = FediverseEngagement(kind="follow", actor_iri="https://m.example/users/a", name="A", username="a@m.example",
                                 image=None, link="https://m.example/@a", body="A followed this stream.", time=TS)
    data = payloads.event_data("FEDIVERSE_ENGAGEMENT_FOLLOW", follow, SNAP, TS)
    assert list(data) == ["id", "timestamp", "name", "username", "image", "serverURL"]
    assert (data["name"], data["username"], data["image"]) == ("A", "a@m.example", "")
    like = FediverseEngagement(kind="like", actor_iri="x", name="A", username="a@m", image=None, link="x", body="",
                               time=TS)
    assert payloads.webhook_type(like) is None


def test_signature_is_owncasts_header() -> None:
    header = signature.sign("secret", b'{"a":1}', 1700000000)
    assert header == "t=1700000000.s=" + hmac.new(b"secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert check_signature("secret", b'{"a":1}', header, now=1700000100)
    assert not check_signature("secret", b'{"a":1}', header, now=1700000301)  # too old
    assert not check_signature("secret", b'{"a":2}', header, now=1700000000)


@pytest.mark.parametrize(("status", "verdict"), [
    (200, retry.Verdict.DELIVERED), (204, retry.Verdict.DELIVERED), (500, retry.Verdict.RETRY),
    (503, retry.Verdict.RETRY), (None, retry.Verdict.RETRY), (429, retry.Verdict.RETRY), (408, retry.Verdict.RETRY),
    (404, retry.Verdict.FAILED), (400, retry.Verdict.FAILED), (301, retry.Verdict.FAILED),
])
def test_retry_verdicts(status: int | None, verdict: retry.Verdict) -> None:
    assert retry.decide(status, attempts=1, failing_since=None, now=0, window=86400, dice=0.5).verdict is verdict


def test_backoff_doubles_with_jitter_caps_and_gives_up_after_the_window() -> None:
    delays = [retry.decide(500, attempts=n, failing_since=0, now=0, window=10**9, dice=0.999).next_at
              for n in range(1, 15)]
    assert delays[:4] == pytest.approx([1.0, 2.0, 4.0, 8.0], rel=1e-3)
    assert max(d for d in delays if d is not None) == pytest.approx(retry.MAX_DELAY, rel=1e-3)
    low = retry.decide(500, attempts=3, failing_since=0, now=0, window=10**9, dice=0.0).next_at
    assert low == 2.0  # half of 4 s: jitter spreads retries over [d/2, d)
    last = retry.decide(500, attempts=20, failing_since=0, now=86000, window=86400, dice=0.5)
    assert last.verdict is retry.Verdict.FAILED and last.pause
    refused = retry.decide(None, attempts=1, failing_since=None, now=0, window=86400, dice=0.5, permanent=True)
    assert refused.verdict is retry.Verdict.FAILED and not refused.pause


def test_the_nine_event_types_are_ones_the_admin_can_choose() -> None:
    from owncast_cli.webhooks import EVENT_TYPES

    assert len(payloads.EVENT_TYPES) == 9 and set(payloads.EVENT_TYPES) <= set(EVENT_TYPES)
