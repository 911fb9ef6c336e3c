"""The event catalog: every type's wire form (as published before types), round trips, bad data."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from owncast_cli.bus import catalog
from owncast_cli.bus.eventtype import TYPES, BusEvent, MalformedEvent, decode

USER = {"createdAt": "2026-12-07T10:00:00Z", "id": "u1", "displayName": "ann", "previousNames": ["ann"],
        "displayColor": 3, "isBot": False, "authenticated": False}
SPREAD = {"min": 1.0, "median": 2.0, "max": 3.5}

#: One record of each type, its data exactly as the publisher wrote it when types were strings.
WIRE: dict[str, dict[str, Any]] = {
    "stream.started": {"streamId": "s1", "hasVideo": True, "hasAudio": False, "remoteAddr": "127.0.0.1:5000",
                       "time": "2026-12-07T10:00:00Z", "streamDetails": {"videoCodec": "H.264", "width": 1280}},
    "stream.stopped": {"streamId": "s1", "reason": "the publisher closed the connection"},
    "ingest.dropped": {"bytes": 4096},
    "ingest.disconnect": {"reason": "disconnected by the admin", "streamId": None},
    "viewers.changed": {"current": 2, "sessionPeak": 3, "overallPeak": 9},
    "stream.health": {"clients": 1, "reports": 2, "errors": 0, "qualityVariantChanges": 1,
                      "bandwidthKbps": SPREAD, "segmentDownloadSeconds": None, "latencySeconds": SPREAD,
                      "time": "2026-12-07T10:00:00Z"},
    "webhooks.changed": {"id": 3, "action": "created"},
    "config.changed": {"key": "stream_keys", "value": "********", "restartRequired": False},
    "daemons.ready": {"daemons": ["ingest", "transcode", "serve", "chat"]},
    "transcode.started": {"streamId": "s1", "variants": [{"videoBitrate": 1200}], "latencyLevel": 2,
                          "codec": "libx264", "storage": "local"},
    "transcode.warning": {"streamId": "s1", "message": "libx264 is missing"},
    "transcode.storage_error": {"storage": "s3", "message": "403", "fallback": "local"},
    "transcode.restarted": {"streamId": "s1", "exitCode": 1, "restarts": 2},
    "transcode.segment": {"streamId": "s1", "variant": 0, "uri": "s1-0-12.ts", "duration": 2.0,
                          "mediaSequence": 12},
    "transcode.health": {"streamId": "s1", "time": "2026-12-07T10:00:00Z", "fps": 30.0, "speed": 1.01,
                         "bitrateKbps": 1180.4, "frame": 900, "dropFrames": 0, "dupFrames": 1,
                         "outTimeSeconds": 30.0, "restarts": 0, "healthy": True, "message": None},
    "transcode.stopped": {"streamId": "s1", "restarts": 0},
    "transcode.cleared": {"afterSeconds": 300.0},
    "chat.message": {"body": "<p>hi</p>", "id": "m1", "timestamp": "2026-12-07T10:00:00Z", "type": "CHAT",
                     "user": USER, "visible": True, "rawBody": "hi", "clientId": 7},
    "chat.system": {"body": "<p>welcome</p>", "id": "m2", "timestamp": "2026-12-07T10:00:00Z",
                    "type": "SYSTEM", "user": {"displayName": "Owncast"}},
    "chat.fediverse_engagement": {"body": "Alice followed this stream.", "id": "m4", "image": None,
                                  "link": "https://m.example/@alice", "timestamp": "2026-12-07T10:00:00Z",
                                  "title": "alice@m.example", "type": "FEDIVERSE_ENGAGEMENT_FOLLOW",
                                  "user": {"displayName": "Owncast"}},
    "chat.action": {"body": "<p>The stream is ending.</p>", "id": "m3", "timestamp": "2026-12-07T10:00:00Z",
                    "type": "CHAT_ACTION", "user": {"displayName": "Owncast"}},
    "chat.user_joined": {"id": "e1", "timestamp": "2026-12-07T10:00:00Z", "type": "USER_JOINED", "user": USER},
    "chat.user_parted": {"id": "e2", "timestamp": "2026-12-07T10:00:00Z", "type": "USER_PARTED", "user": USER},
    "chat.name_change": {"id": "e3", "oldName": "ann", "timestamp": "2026-12-07T10:00:00Z",
                         "type": "NAME_CHANGE", "user": USER, "newName": "bea"},
    "chat.color_change": {"user": USER, "newColor": 5, "timestamp": "2026-12-07T10:00:00Z"},
    "chat.visibility_update": {"id": "e4", "ids": ["m1"], "timestamp": "2026-12-07T10:00:00Z",
                               "type": "VISIBILITY-UPDATE", "visible": False, "user": None},
    "chat.user_enabled": {"user": USER},
    "chat.user_disabled": {"user": USER},
    "chat.send_requested": {"body": "hello", "system": False, "name": "bot"},
    "chat.user_updated": {"userId": "u1", "scopes": ["MODERATOR"]},
    "fediverse.engagement": {"kind": "follow", "actorIri": "https://example.social/users/ann",
                             "name": "Ann", "username": "ann@example.social",
                             "image": None, "link": "https://example.social/@ann",
                             "body": "Ann followed this stream.", "time": "2026-12-07T10:00:00Z"},
    "fediverse.direct_message_requested": {"account": "ann@example.social", "text": "code 123456"},
    "schedule.reminder": {"eventId": "e1", "name": "Friday show", "startsAt": "2026-12-11T19:00:00Z",
                          "message": "We are live in 15 minutes"},
}


def test_every_type_has_a_wire_example_and_a_publisher() -> None:
    catalogued = {name for name, cls in TYPES.items() if cls.__module__.startswith(catalog.__name__ + ".")}
    assert catalogued == set(WIRE)
    for cls in (TYPES[name] for name in WIRE):
        assert cls.VERSION >= 1 and cls.PUBLISHERS, cls


@pytest.mark.parametrize("name", sorted(WIRE))
def test_wire_form_is_unchanged(name: str) -> None:
    """Decoding then encoding gives back the same JSON, key order included (events tail)."""
    event = TYPES[name].from_data(WIRE[name])
    assert json.dumps(event.to_data()) == json.dumps(WIRE[name])
    assert decode(name, json.loads(json.dumps(WIRE[name]))) == event


@pytest.mark.parametrize(("event", "data"), [
    (catalog.TranscodeWarning(None, "the clip was cut"), {"message": "the clip was cut"}),
    (catalog.ChatSendRequested("hi", True), {"body": "hi", "system": True}),
    (catalog.ChatUserUpdated("u1", moderator=True), {"userId": "u1", "moderator": True}),
    (catalog.IngestDisconnect("bye", None), {"reason": "bye", "streamId": None}),
])
def test_optional_fields_are_left_out_while_none(event: BusEvent, data: dict[str, Any]) -> None:
    assert event.to_data() == data
    assert type(event).from_data(data) == event


def test_unknown_keys_from_a_newer_publisher_are_ignored() -> None:
    data = {**WIRE["stream.stopped"], "addedLater": 1}
    assert catalog.StreamStopped.from_data(data) == catalog.StreamStopped("s1", WIRE["stream.stopped"]["reason"])


@pytest.mark.parametrize(("name", "data", "message"), [
    ("stream.stopped", {"streamId": "s1"}, "reason is missing"),
    ("stream.stopped", {"streamId": 5, "reason": "x"}, "streamId has the wrong type"),
    ("ingest.dropped", {"bytes": True}, "bytes has the wrong type"),
    ("ingest.dropped", {"bytes": 1.5}, "bytes has the wrong type"),
    ("daemons.ready", {"daemons": ["serve", 3]}, "daemons has the wrong type"),
    ("chat.user_enabled", {"user": "u1"}, "user has the wrong type"),
    ("viewers.changed", [1, 2, 3], "not an object"),
])
def test_malformed_data_is_refused_then_skipped(name: str, data: Any, message: str,
                                                caplog: pytest.LogCaptureFixture) -> None:
    with pytest.raises(MalformedEvent, match=message):
        TYPES[name].from_data(data)
    with caplog.at_level(logging.WARNING, logger="owncast.bus"):
        assert decode(name, data, event_id=41) is None
    assert f"skipped malformed bus event 41: {name}" in caplog.text


def test_unknown_type_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="owncast.bus"):
        assert decode("federate.someday", {}, event_id=7) is None
    assert "skipped bus event 7 of unknown type 'federate.someday'" in caplog.text


def test_a_type_name_is_registered_once() -> None:
    from owncast_cli.bus.eventtype import event_type

    with pytest.raises(ValueError, match="defined twice"):
        event_type("stream.started", publishers=("test",))(catalog.StreamStopped)
