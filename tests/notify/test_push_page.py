"""Browser push through run-all: the public key in /api/config, Owncast's register route, and the
viewer page's "notify me" button in headless chromium (its push service is out of reach here, so
the page's PushManager.subscribe answers with a subscription the test made)."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest
import trio

from tests.conftest import RunningServer
from tests.notify.test_browser_push import Browser
from tests.serve import cdp


async def public_key(base: str) -> str:
    """Once notify has generated the keys and serve has heard of it."""
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        with trio.fail_after(15):
            while not (key := (await http.get("/api/config")).json()["notifications"]["browser"]["publicKey"]):
                await trio.sleep(0.05)
    return str(key)


def subscriptions(server: RunningServer) -> list[str]:
    with sqlite3.connect(server.datadir / "owncast.db") as conn:
        return [row[0] for row in conn.execute("SELECT destination FROM notifications ORDER BY id")]


async def test_register_route_checks_the_user_channel_and_subscription(server: RunningServer) -> None:
    await public_key(server.base_url)
    subscription = Browser("https://push.example/send/abc").subscription
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        token = (await http.post("/api/chat/register", json={})).json()["accessToken"]
        body = {"channel": "BROWSER_PUSH_NOTIFICATION", "destination": subscription}
        assert (await http.post("/api/notifications/register", json=body)).status_code == 401
        assert (await http.post("/api/notifications/register?accessToken=nope", json=body)).status_code == 401
        url = f"/api/notifications/register?accessToken={token}"
        wrong = await http.post(url, json={**body, "channel": "SMS"})
        assert (wrong.status_code, wrong.json()) == (400, {"success": False, "message": "invalid notification channel: SMS"})
        broken = await http.post(url, json={**body, "destination": '{"endpoint":"https://x"}'})
        assert broken.status_code == 400 and "PushSubscription" in broken.json()["message"]
        done = await http.post(url, json=body)
        assert (done.status_code, done.content) == (200, b"")
        assert (await http.post(url, json=body)).status_code == 200  # twice: kept once
    assert subscriptions(server) == [subscription]


@pytest.mark.e2e
@pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")
async def test_notify_me_button_subscribes_through_our_server(server: RunningServer) -> None:
    key = await public_key(server.base_url)
    made = json.loads(Browser("https://push.example/send/xyz").subscription)
    fake = f"""
        Notification.requestPermission = () => Promise.resolve("granted");
        PushManager.prototype.subscribe = function (options) {{
          window.__applicationServerKey = Array.from(new Uint8Array(options.applicationServerKey));
          window.__userVisibleOnly = options.userVisibleOnly;
          return Promise.resolve({{ toJSON: () => ({json.dumps(made)}) }});
        }};"""
    async with cdp.browser() as new_page, new_page() as page:
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=fake)
        await page.goto(server.base_url + "/")
        await page.wait_for("!document.getElementById('notify-me').hidden")
        await page.evaluate("document.getElementById('notify-me').click()")
        await page.wait_for("document.getElementById('notify-status').textContent.includes('notified')")
        sent_key = await page.evaluate("window.__applicationServerKey")
        assert await page.evaluate("window.__userVisibleOnly") is True
        # The service worker the push will wake is registered for real.
        assert await page.evaluate("navigator.serviceWorker.getRegistration('/web/js/')"
                                   ".then(r => r && r.active !== undefined)")
    from tests.notify.test_browser_push import unb64

    assert bytes(sent_key) == unb64(key)
    (stored,) = subscriptions(server)
    assert json.loads(stored) == made
