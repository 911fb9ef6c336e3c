"""The streamer's whole evening in the dashboard, in headless chromium against a real run-all.

Sign in, rename the server and retitle the stream, add a stream key and publish with it
(``owncast publish-test``), watch Home turn live with the inbound details, hide a chat message,
ban a user, and see the viewer count move when a second browser window watches.
"""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest
import trio

from tests.chat.wsclient import chat_client
from tests.conftest import OWNCAST, ROOT, RunningServer
from tests.dashboard.conftest import admin_page, open_screen, shoot
from tests.dashboard.test_forms import Form
from tests.serve import cdp

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]
ONLINE = "document.querySelector('.home-body') && document.querySelector('.home-body').dataset.state === 'online'"


def stat(name: str) -> str:
    return f"document.querySelector('[data-stat=\"{name}\"] .stat-value').textContent"


async def test_streamer_journey(dash: RunningServer, admin: httpx.Client) -> None:
    base = dash.base_url
    publish: subprocess.Popen[str] | None = None
    try:
        async with cdp.browser() as new_page, admin_page(new_page, signed_in=False) as page:
            form = Form(page)
            await page.viewport(1280, 900)
            # Not signed in: no dashboard. Then sign in as a bookmark would (credentials in the URL,
            # which the browser keeps in its auth cache as after its login prompt): every later API
            # call of the dashboard rides on that cache.
            await page.goto(base + "/admin/")
            assert await page.evaluate("document.getElementById('screen')") is None
            assert await open_screen(page, base.replace("http://", "http://admin:abc123@") + "/admin/") == "home"
            assert await page.evaluate("document.querySelector('.home-body').dataset.state") == "offline"
            page.console.clear()  # the browser's note of the 401 above

            await page.evaluate("document.querySelector('#nav a[href=\"/admin/config/general/\"]').click()")
            await page.wait_for("document.getElementById('screen').dataset.ready === 'config-general'")
            assert await form.save_field("name", "Journey Live") == ("message ok", "Saved.")
            await form.fill("#stream-title", "Evening session")
            await form.click("#title-form button")
            await page.wait_for("document.getElementById('title-message').textContent === 'Title updated.'")
            public = httpx.get(base + "/api/config").json()
            assert public["name"] == "Journey Live"
            assert httpx.get(base + "/api/status").json()["streamTitle"] == "Evening session"

            await page.evaluate("document.querySelector('#nav a[href=\"/admin/config/server/\"]').click()")
            await page.wait_for("document.getElementById('screen').dataset.ready === 'config-server'")
            key = await form.value("#add-stream-key input")
            await form.fill("#add-stream-key input + input", "journey encoder")
            await form.click("#add-stream-key button")
            await page.wait_for(f"document.body.innerText.includes({json.dumps(key)})")

            # The log screen follows live: the stream's start shows up without a reload.
            await page.evaluate("document.querySelector('#nav a[href=\"/admin/logs/\"]').click()")
            await page.wait_for("document.getElementById('screen').dataset.ready === 'logs'")
            publish = subprocess.Popen(
                [*OWNCAST, "publish-test", "--datadir", str(dash.datadir), "--streamkey", key,
                 "--size", "320x240", "--fps", "15", "--bitrate", "300"],
                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            await page.wait_for("[...document.querySelectorAll('table.logs td')].some(td => "
                                "/stream \\S+ started/.test(td.textContent))", timeout=30)
            await page.evaluate("document.querySelector('#nav a[href=\"/admin/\"]').click()")
            await page.wait_for(ONLINE, timeout=30)
            inbound = await page.evaluate("document.getElementById('inbound').innerText")
            assert "320 × 240" in inbound and "15 fps" in inbound and "H.264" in inbound and "AAC" in inbound
            await page.wait_for("document.getElementById('online').textContent.startsWith('Online')")
            assert await page.evaluate("document.getElementById('stream-title').value") == "Evening session"
            assert await page.evaluate(stat("Viewers")) == "0"
            await shoot(page, "journey-home-live-1280")

            async with chat_client(base, "Mallory") as mallory, chat_client(base, "Alice") as alice:
                await mallory.chat("buy cheap followers at spam.example")
                await alice.chat("great stream!")
                await page.evaluate("document.querySelector('#nav a[href=\"/admin/chat/messages\"]').click()")
                await page.wait_for("document.body.innerText.includes('buy cheap followers')", timeout=10)
                await shoot(page, "journey-chat-messages-1280")
                await page.evaluate("document.querySelector('button[aria-label^=\"Hide message from Mallory\"]').click()")
                await page.wait_for("document.querySelector('tr.hidden-message')", timeout=10)
                hidden = await alice.next("VISIBILITY-UPDATE", timeout=10)
                assert hidden["visible"] is False
                messages = admin.get("/api/admin/chat/messages").json()
                spam = [m for m in messages if "buy cheap" in m.get("body", "")]
                assert spam and "hiddenAt" in spam[0]

                await page.evaluate("document.querySelector('#nav a[href=\"/admin/chat/users/\"]').click()")
                await page.wait_for("document.querySelector('button[aria-label=\"Ban Mallory\"]')", timeout=10)
                await shoot(page, "journey-chat-users-1280")
                await page.evaluate("document.querySelector('button[aria-label=\"Ban Mallory\"]').click()")
                await page.wait_for("document.body.innerText.includes('Mallory is banned')", timeout=10)
                banned = admin.get("/api/admin/chat/users/disabled").json()
                assert [u["displayName"] for u in banned] == ["Mallory"]

            # A second window watches the stream: Home's viewer count follows, without a reload.
            await page.evaluate("document.querySelector('#nav a[href=\"/admin/\"]').click()")
            await page.wait_for(ONLINE)
            await page.evaluate("window.__same = true")
            async with cdp.browser() as second_browser, second_browser() as viewer:
                await viewer.viewport(640, 480)
                await viewer.goto(base + "/")
                await page.wait_for(f"Number({stat('Viewers')}) >= 1", timeout=40)
                assert admin.get("/api/admin/status").json()["viewerCount"] >= 1
            assert await page.evaluate("window.__same === true")
            await shoot(page, "journey-home-viewer-1280")
            await page.viewport(375, 812)
            await shoot(page, "journey-home-live-375")
            errors = [line for line in page.console if "status of 401" not in line]
            assert errors == [], errors
    finally:
        if publish is not None and publish.poll() is None:
            publish.terminate()
            with trio.move_on_after(10):
                await trio.to_thread.run_sync(publish.wait)
            if publish.poll() is None:
                publish.kill()
