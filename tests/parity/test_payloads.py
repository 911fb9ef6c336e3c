"""JSON shapes and field order of the read routes (Go's encoding/json writes struct fields in
declaration order), and /api/admin/serverconfig checked against /api/config field by field."""

from __future__ import annotations

import httpx
import pytest

from owncast_cli import markup
from tests.conftest import RunningServer
from tests.parity.conftest import body_text, eventually, keys, simple

pytestmark = pytest.mark.e2e


def test_status_fields_in_owncasts_order(anonymous: httpx.Client) -> None:
    """models.Status + GetStatus's response: viewerCount before online, title only when set."""
    assert keys(anonymous.get("/api/status")) == [
        "serverTime", "lastConnectTime", "lastDisconnectTime", "versionNumber", "viewerCount", "online"]


def test_web_config_fields_in_owncasts_order(anonymous: httpx.Client) -> None:
    """webConfigResponse (webserver/handlers/config.go); empty streamTitle and socketHostOverride
    are omitted (omitempty), federation says only "enabled" while it is off."""
    response = anonymous.get("/api/config")
    assert keys(response) == [
        "appearanceVariables", "name", "customStyles", "offlineMessage", "logo", "version",
        "extraPageContent", "summary", "tags", "socialHandles", "externalActions", "notifications",
        "federation", "maxSocketPayloadSize", "hideViewerCount", "chatDisabled",
        "chatSpamProtectionDisabled", "chatRequireAuthentication", "nsfw", "autoplay", "authentication",
        "schedule"]
    assert response.json()["federation"] == {"enabled": False, "hideFollowersTab": False}
    browser = response.json()["notifications"]["browser"]
    # browserNotificationsConfigResponse: publicKey (omitempty) before enabled.
    assert list(browser) == (["publicKey", "enabled"] if browser.get("publicKey") else ["enabled"])


def test_admin_status_fields_in_owncasts_order(admin: httpx.Client) -> None:
    """adminStatusResponse: broadcaster and currentBroadcast are null while offline."""
    response = admin.get("/api/admin/status")
    assert keys(response)[:9] == [
        "broadcaster", "currentBroadcast", "health", "streamTitle", "versionNumber", "viewerCount",
        "overallPeakViewerCount", "sessionPeakViewerCount", "online"]
    assert response.json()["broadcaster"] is None and response.json()["currentBroadcast"] is None


def test_server_config_fields_in_owncasts_order(admin: httpx.Client) -> None:
    body = admin.get("/api/admin/serverconfig")
    assert keys(body) == [
        "instanceDetails", "notifications", "yp", "ffmpegPath", "adminPassword", "webServerIP",
        "videoCodec", "videoServingEndpoint", "s3", "federation", "schedule", "supportedCodecs", "externalActions",
        "styleContributors", "forbiddenUsernames", "suggestedUsernames", "streamKeys", "videoSettings",
        "rtmpServerPort", "rtmpServerAddress", "webServerPort", "chatDisabled", "chatJoinMessagesEnabled",
        "chatEstablishedUserMode", "chatSpamProtectionEnabled", "chatSlurFilterEnabled",
        "chatRequireAuthentication", "disableSearchIndexing", "streamKeyOverridden", "hideViewerCount"]
    details = body.json()["instanceDetails"]
    assert list(details) == [
        "appearanceVariables", "version", "welcomeMessage", "offlineMessage", "logo", "name",
        "extraPageContent", "streamTitle", "customStyles", "customJavascript", "summary", "tags",
        "socialHandles", "nsfw", "autoplay"]
    # serverConfig.go rebuilds each variant: its display name and defaults, MarshalJSON's order.
    variant = body.json()["videoSettings"]["videoQualityVariants"][0]
    assert variant == {"framerate": 24, "name": "1.2Mbps@24fps", "videoPassthrough": False,
                       "audioPassthrough": True, "videoBitrate": 1200, "audioBitrate": 0,
                       "encoderPreset": "", "cpuUsageLevel": 2}
    # Owncast's admin posts what it read back: the rebuilt variants must be taken as they are.
    again = admin.post("/api/admin/config/video/streamoutputvariants", json={"value": [variant]})
    assert again.status_code == 200, again.text


def test_server_config_and_web_config_agree(admin: httpx.Client) -> None:
    """The admin view shows what is stored; the public view renders what the page needs."""
    stored, public = admin.get("/api/admin/serverconfig").json(), admin.get("/api/config").json()
    details = stored["instanceDetails"]
    for field in ("name", "summary", "tags", "customStyles", "appearanceVariables", "nsfw", "autoplay",
                  "socialHandles", "version"):
        assert details[field] == public[field], field
    for field in ("externalActions", "hideViewerCount", "chatDisabled", "chatRequireAuthentication"):
        assert stored[field] == public[field], field
    assert public["chatSpamProtectionDisabled"] is not stored["chatSpamProtectionEnabled"]
    assert public["extraPageContent"] == markup.render_page_markdown(details["extraPageContent"])
    assert public["offlineMessage"] == markup.render_offline_message(details["offlineMessage"])
    assert (details["logo"], public["logo"]) == ("logo.svg", "/logo")  # stored file vs the route
    assert public["federation"]["enabled"] is stored["federation"]["enabled"]
    assert public["authentication"]["indieAuthEnabled"] is bool(stored["yp"]["instanceUrl"])
    assert stored["notifications"]["browser"]["enabled"] is True and "goLiveMessage" in stored["notifications"]["browser"]


def test_integration_status_is_cores_status(admin: httpx.Client, parity_server: RunningServer) -> None:
    """ExternalGetStatus writes core.GetStatus(), a models.Status: peaks, no serverTime."""
    created = admin.post("/api/admin/accesstokens/create", json={"name": "status", "scopes": ["HAS_ADMIN_ACCESS"]})
    token = created.json()["accessToken"]
    with httpx.Client(base_url=parity_server.base_url, timeout=10) as bot:
        response = bot.get("/api/integrations/status", headers={"Authorization": f"Bearer {token}"})
        assert keys(response) == ["online", "viewerCount", "overallMaxViewerCount", "sessionMaxViewerCount",
                                  "lastConnectTime", "lastDisconnectTime", "versionNumber"]
        retired = bot.post("/api/integrations/chat/user", headers={"Authorization": f"Bearer {token}"}, json={})
        assert retired.status_code == 401  # needs CAN_SEND_MESSAGES first
    admin.post("/api/admin/accesstokens/delete", json={"token": token})


def test_integration_chat_refusals(admin: httpx.Client, parity_server: RunningServer) -> None:
    created = admin.post("/api/admin/accesstokens/create", json={
        "name": "sender", "scopes": ["CAN_SEND_MESSAGES", "CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS"]})
    auth = {"Authorization": f"Bearer {created.json()['accessToken']}"}
    with httpx.Client(base_url=parity_server.base_url, headers=auth, timeout=10) as bot:
        retired = bot.post("/api/integrations/chat/user", json={"body": "hi"})
        assert retired.status_code == 400
        assert retired.json() == {"error": "no longer supported. see /api/integrations/chat/send"}
        empty = bot.post("/api/integrations/chat/send", json={"body": "   "})
        assert (empty.status_code, empty.json()) == (400, {"error": "invalid message"})
        assert bot.get("/api/integrations/moderation/chat/user/nobody").status_code == 404
        for path in ("/api/integrations/chat/system", "/api/integrations/chat/action"):
            refused = bot.post(path, json={"body": ""})
            assert (refused.status_code, body_text(refused)) == (400, simple(False, "no message body provided"))
            assert body_text(bot.post(path, json={"body": "note"})) == simple(True, "sent")
        # Owncast answers "sent" for a client that is not there; 400 says so here.
        absent = bot.post("/api/integrations/chat/system/client/999999", json={"body": "note"})
        assert (absent.status_code, body_text(absent)) == (400, simple(False, "no connected chat client 999999"))
    admin.post("/api/admin/accesstokens/delete", json={"token": created.json()["accessToken"]})


def test_stream_health_in_the_files_order() -> None:
    """StreamHealthOverview as the OpenAPI file lists it (Owncast's current struct), message always."""
    from owncast_cli.serve.admin.status import health

    overview = health(True, {"healthy": False, "message": "slow"}, None, 0)
    assert overview == {"message": "slow", "healthPercentage": 50, "representation": 0, "healthy": False}
    assert list(overview) == ["message", "healthPercentage", "representation", "healthy"]
    assert health(True, None, None, 0) == {"message": "", "healthPercentage": 100, "representation": 0,
                                           "healthy": True}


def test_video_variants_in_owncasts_order(admin: httpx.Client, anonymous: httpx.Client) -> None:
    """GetVideoStreamOutputVariants: passthrough first, then highest bitrate; name before index."""
    variants = [{"videoBitrate": 800, "framerate": 24}, {"videoPassthrough": True},
                {"videoBitrate": 3000, "framerate": 30}]
    stored = admin.get("/api/admin/serverconfig").json()["videoSettings"]["videoQualityVariants"]
    assert admin.post("/api/admin/config/video/streamoutputvariants", json={"value": variants}).status_code == 200
    try:
        expected = [{"name": "Source", "index": 1}, {"name": "3Mbps@30fps", "index": 2},
                    {"name": "800Kbps@24fps", "index": 0}]
        assert eventually(lambda: anonymous.get("/api/video/variants").json(), expected) == expected
        assert list(anonymous.get("/api/video/variants").json()[0]) == ["name", "index"]
    finally:
        admin.post("/api/admin/config/video/streamoutputvariants", json={"value": stored})
