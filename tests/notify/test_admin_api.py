"""Through run-all: an admin's title change reaches a webhook; failures, replay and the listing."""

from __future__ import annotations

import httpx
import trio

from tests.conftest import RunningServer, owncast
from tests.notify.conftest import receiver

ADMIN = ("admin", "abc123")


async def test_title_change_webhook_dead_letter_replay_and_listing(server: RunningServer) -> None:
    owncast("config", "set", "outbound_allowed_hosts", '["127.0.0.1"]', datadir=server.datadir, check=True)
    refuse = [True]
    async with receiver(lambda request: 404 if refuse[0] else 200) as got, \
            httpx.AsyncClient(base_url=server.base_url, auth=ADMIN, timeout=10) as admin:
        hook = (await admin.post("/api/admin/webhooks/create",
                                 json={"url": got.url + "/in", "events": ["STREAM_TITLE_UPDATED"]})).json()
        changed = await admin.post("/api/admin/config/streamtitle", json={"value": "Hello hooks"})
        assert changed.status_code == 200
        await got.wait_for(lambda reqs: len(reqs) == 1)
        body = got.requests[0].json()
        assert body["type"] == "STREAM_TITLE_UPDATED"
        data = body["eventData"]
        assert list(data) == ["id", "name", "status", "streamTitle", "summary", "timestamp"]
        assert data["streamTitle"] == "Hello hooks" and data["status"]["streamTitle"] == "Hello hooks"
        assert list(data["status"]) == ["lastConnectTime", "lastDisconnectTime", "versionNumber", "streamTitle",
                                        "viewerCount", "overallMaxViewerCount", "sessionMaxViewerCount",
                                        "online"]

        with trio.fail_after(10):
            while not (failures := (await admin.get("/api/admin/webhooks/failures")).json()):
                await trio.sleep(0.05)
        (failure,) = failures
        assert (failure["webhookId"], failure["type"], failure["lastStatus"], failure["attempts"]) == (
            hook["id"], "STREAM_TITLE_UPDATED", "404", 1)
        refuse[0] = False
        replayed = await admin.post("/api/admin/webhooks/replay", json={"id": failure["id"]})
        assert replayed.json()["success"] is True
        assert (await admin.post("/api/admin/webhooks/replay", json={"id": 9999})).status_code == 400
        await got.wait_for(lambda reqs: len(reqs) == 2)
        assert got.requests[1].body == got.requests[0].body  # the same event, built once
        with trio.fail_after(10):
            while (listed := (await admin.get("/api/admin/webhooks")).json()[0])["lastStatus"] != "200":
                await trio.sleep(0.05)
        assert listed["lastUsed"] is not None and listed["pending"] == 0 and listed["secret"].startswith("****")
        assert (await admin.get("/api/admin/webhooks/failures")).json() == []
        tested = (await admin.post("/api/admin/webhooks/test", json={"url": got.url + "/t", "secret": "x"})).json()
        assert (tested["success"], tested["status"], tested["message"]) == (True, 200, "200")
        assert got.requests[-1].json()["type"] == "PING" and "owncast-signature" in got.requests[-1].headers
        refused = await admin.post("/api/admin/webhooks/test", json={"url": "ftp://x"})
        assert refused.status_code == 400
