"""Logs, video metrics, emoji, webhooks and chat history (Owncast webserver/handlers/admin/{logs,
video,emoji,webhooks}.go, services/chat/events): field order, shapes, message texts."""

from __future__ import annotations

import base64

import httpx
import pytest
import trio

from tests.chat.wsclient import chat_client
from tests.conftest import RunningServer
from tests.parity.conftest import ADMIN, body_text, keys, simple

pytestmark = pytest.mark.e2e

#: A 1x1 PNG.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def test_log_entries_in_owncasts_field_order(admin: httpx.Client) -> None:
    entries = admin.get("/api/admin/logs").json()
    assert entries and all(list(entry) == ["time", "message", "level"] for entry in entries)


def test_video_metrics_in_owncasts_field_order(admin: httpx.Client) -> None:
    assert keys(admin.get("/api/admin/metrics/video")) == [
        "errors", "qualityVariantChanges", "highestLatency", "medianLatency", "lowestLatency",
        "medianSegmentDownloadDuration", "maximumSegmentDownloadDuration", "minimumSegmentDownloadDuration",
        "minPlayerBitrate", "medianPlayerBitrate", "maxPlayerBitrate", "availableBitrates", "segmentLength",
        "representation"]


def test_emoji_messages(admin: httpx.Client) -> None:
    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    cases = [
        ({"name": "parity"}, 400, "data field is required"),
        ({"data": data}, 400, "name field is required"),
        ({"name": "parity", "data": data}, 200, 'Emoji "parity.png" has been uploaded'),
        ({"name": "parity", "data": data}, 400, 'An emoji with the name "parity.png" already exists'),
    ]
    for body, status, message in cases:
        response = admin.post("/api/admin/emoji/upload", json=body)
        assert (response.status_code, body_text(response)) == (status, simple(status == 200, message))
    # Owncast removes data/emoji/<name>: the name given is the file's, extension included.
    deleted = admin.post("/api/admin/emoji/delete", json={"name": "parity.png"})
    assert body_text(deleted) == simple(True, 'Emoji "parity.png" has been deleted')
    again = admin.post("/api/admin/emoji/delete", json={"name": "parity.png"})
    assert (again.status_code, body_text(again)) == (400, simple(False, 'Emoji "parity.png" doesn\'t exist'))


def test_webhook_answers(admin: httpx.Client) -> None:
    refused = admin.post("/api/admin/webhooks/create", json={"url": "https://example.com/h", "events": ["NOPE"]})
    assert (refused.status_code, refused.json()) == (400, {"error": "one or more invalid event provided"})
    created = admin.post("/api/admin/webhooks/create", json={"url": "https://example.com/h", "events": ["CHAT"]})
    assert keys(created)[:5] == ["id", "url", "events", "timestamp", "lastUsed"]
    deleted = admin.post("/api/admin/webhooks/delete", json={"id": created.json()["id"]})
    assert body_text(deleted) == simple(True, "deleted webhook")


def test_chat_history_items_are_owncasts_struct(admin: httpx.Client, parity_server: RunningServer) -> None:
    """GET /api/chat writes UserMessageEvent structs: Event, UserEvent, MessageEvent fields in
    order, no "visible" (only the websocket broadcast map has it)."""
    token = admin.post("/api/admin/accesstokens/create",
                       json={"name": "historian", "scopes": ["CAN_SEND_MESSAGES", "HAS_ADMIN_ACCESS"]}).json()
    auth = {"Authorization": f"Bearer {token['accessToken']}"}
    with httpx.Client(base_url=parity_server.base_url, headers=auth, timeout=10) as bot:
        for text in ("first of two", "second of two"):
            assert body_text(bot.post("/api/integrations/chat/send", json={"body": text})) == simple(True, "sent")
        history = [m for m in bot.get("/api/integrations/chat").json() if m.get("type") == "CHAT"]
        said = history[-1]
        assert list(said) == ["timestamp", "type", "id", "user", "body"]
        # GetChatHistory: oldest first; GetChatModerationHistory: newest first.
        assert [m["body"] for m in history[-2:]] == ["<p>first of two</p>", "<p>second of two</p>"]
        moderation = [m["body"] for m in admin.get("/api/admin/chat/messages").json() if "of two" in m["body"]]
        assert moderation == ["<p>second of two</p>", "<p>first of two</p>"]
        hidden = admin.post("/api/admin/chat/messagevisibility", json={"idArray": [said["id"]], "visible": False})
        assert body_text(hidden) == simple(True, "changed")
        moderated = [m for m in admin.get("/api/admin/chat/messages").json() if m["id"] == said["id"]][0]
        assert list(moderated) == ["timestamp", "type", "id", "user", "hiddenAt", "body"]
    admin.post("/api/admin/accesstokens/delete", json={"token": token["accessToken"]})


async def test_chat_clients_in_owncasts_field_order(parity_server: RunningServer) -> None:
    """services/chat/chatclient.go's Client fields in order; our id and ipAddress after them."""
    async with chat_client(parity_server.base_url, "parity-viewer") as viewer:
        await viewer.next("CONNECTED_USER_INFO")
        with trio.fail_after(10):
            async with httpx.AsyncClient(base_url=parity_server.base_url, auth=ADMIN, timeout=10) as admin:
                clients = (await admin.get("/api/admin/chat/clients")).json()
    mine = [c for c in clients if c["user"]["displayName"] == "parity-viewer"]
    assert list(mine[0]) == ["connectedAt", "user", "geo", "userAgent", "messageCount", "id", "ipAddress"]


def test_viewers_and_ip_bans_in_owncasts_field_order(admin: httpx.Client, anonymous: httpx.Client) -> None:
    assert anonymous.get("/api/ping", headers={"User-Agent": "parity-player"}).status_code == 200
    viewers = admin.get("/api/admin/viewers").json()
    assert viewers and all(list(v) == ["firstSeen", "geo", "userAgent", "ipAddress", "clientID"] for v in viewers)
    admin.post("/api/admin/chat/users/ipbans/create", json={"value": "192.0.2.91"})
    bans = admin.get("/api/admin/chat/users/ipbans").json()
    admin.post("/api/admin/chat/users/ipbans/remove", json={"value": "192.0.2.91"})
    assert bans and all(list(b) == ["createdAt", "ipAddress", "notes"] for b in bans)


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/api/admin/users/delete", 405),     # chat's route
    ("GET", "/api/chat/register", 405),          # chat's route
    ("PUT", "/api/admin/status", 405),           # serve's route
    ("GET", "/api/admin/chat/nope", 404),        # below chat's prefix
    ("GET", "/api/nope", 404),
])
def test_routing_errors_look_alike_in_serve_and_chat(admin: httpx.Client, method: str, path: str,
                                                     status: int) -> None:
    """Owncast's chi router answers these in plain text; ours answer JSON under /api/ wherever the
    route lives (chat's used to be Quart's HTML page), with the status Owncast gives."""
    response = admin.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json" and "error" in response.json()
    if status == 405:
        assert "POST" in response.headers["allow"] or "GET" in response.headers["allow"]
