"""Each dashboard form in headless chromium: it saves, the API shows the change, the field reads it
back; a bad value shows the API's own message next to the field and changes nothing."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from moto.server import ThreadedMotoServer

from owncast_cli.s3client import make_client
from tests.conftest import RunningServer
from tests.dashboard.conftest import admin_page, open_screen, shoot
from tests.serve import cdp

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]
#: A 1x1 PNG.
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Form:
    """Drives one page's controls by CSS selector, as a person would (type, then press Save)."""

    def __init__(self, page: cdp.Page) -> None:
        self.page = page

    async def fill(self, selector: str, value: Any) -> None:
        await self.page.evaluate(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            el.value = {json.dumps(value)}; el.dispatchEvent(new Event('input', {{bubbles: true}}));
            el.dispatchEvent(new Event('change', {{bubbles: true}})); }})()""")

    async def click(self, selector: str) -> None:
        await self.page.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    async def message(self, selector: str) -> tuple[str, str]:
        """(class, text) of the message line under ``selector`` once it settled (not "Saving…")."""
        line = f"document.querySelector({json.dumps(selector + ' .message')})"
        await self.page.wait_for(f"{line}.textContent && !{line}.classList.contains('pending')")
        kind, text = await self.page.evaluate(f"[{line}.className, {line}.textContent]")
        return kind, text

    async def save_field(self, path: str, value: Any) -> tuple[str, str]:
        field = f'.field[data-path="{path}"]'
        await self.fill(f"{field} input, {field} textarea, {field} select", value)
        if await self.page.evaluate(f"!!document.querySelector('{field} button.save')"):
            await self.click(f"{field} button.save")
        return await self.message(field)

    async def value(self, selector: str) -> Any:
        return await self.page.evaluate(f"document.querySelector({json.dumps(selector)}).value")


def unexpected(console: list[str]) -> list[str]:
    """Console lines other than the browser's note of the 400s these tests provoke on purpose."""
    return [line for line in console if "status of 400" not in line]


def config(admin: httpx.Client) -> dict[str, Any]:
    return admin.get("/api/admin/serverconfig").json()


async def test_config_fields_save_and_refuse(dash: RunningServer, admin: httpx.Client) -> None:
    base = dash.base_url
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        form = Form(page)
        await page.viewport(1280, 900)
        await open_screen(page, base + "/admin/config/general/")
        assert await form.save_field("name", "  Dashboard Test Server ") == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["name"] == "  Dashboard Test Server "
        assert await form.value('.field[data-path="name"] input') == config(admin)["instanceDetails"]["name"]
        assert await form.save_field("tags", "music, games\nart") == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["tags"] == ["music", "games", "art"]
        assert await form.save_field("autoplay", "always") == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["autoplay"] == "always"
        # Page content: saved as Markdown, previewed as the public API's sanitised HTML.
        markdown = "Hello **viewers** <img src=x onerror=alert(1)> <script>alert(2)</script>"
        assert await form.save_field("pagecontent", markdown) == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["extraPageContent"] == markdown
        await page.wait_for("document.querySelector('#page-preview strong')")
        assert await page.evaluate("document.querySelector('#page-preview strong').textContent") == "viewers"
        assert await page.evaluate("document.querySelectorAll('#page-preview script, #page-preview [onerror]').length") == 0
        await form.click('.field[data-path="nsfw"] input')
        assert await form.message('.field[data-path="nsfw"]') == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["nsfw"] is True
        # A private server URL: Owncast's message, next to the field; the stored URL stays.
        kind, text = await form.save_field("serverurl", "http://192.168.1.20")
        assert (kind, text) == ("message error", "Server URL cannot be private")
        assert config(admin)["yp"]["instanceUrl"] == ""
        assert await page.evaluate("document.querySelector('.field[data-path=\"serverurl\"] input')"
                                   ".getAttribute('aria-invalid')") == "true"
        await shoot(page, "form-error-general-1280")

        await open_screen(page, base + "/admin/config/server/")
        before = config(admin)["rtmpServerPort"]
        kind, text = await form.save_field("rtmpserverport", 99999)
        refused = admin.post("/api/admin/config/rtmpserverport", json={"value": 99999}).json()["message"]
        assert (kind, text) == ("message error", refused) and "rtmp_port_number" in text
        assert config(admin)["rtmpServerPort"] == before
        assert await form.save_field("rtmpserverport", 1940) == ("message ok", "Saved.")
        assert config(admin)["rtmpServerPort"] == 1940
        await shoot(page, "form-error-server-1280")

        await open_screen(page, base + "/admin/config-chat/")
        await form.click('.field[data-path="chat/spamprotectionenabled"] input')
        assert (await form.message('.field[data-path="chat/spamprotectionenabled"]'))[0] == "message ok"
        assert config(admin)["chatSpamProtectionEnabled"] is False
        assert await form.save_field("chat/forbiddenusernames", "troll\nspammer") == ("message ok", "Saved.")
        assert config(admin)["forbiddenUsernames"] == ["troll", "spammer"]
        assert await form.save_field("welcomemessage", "Be kind.") == ("message ok", "Saved.")
        assert config(admin)["instanceDetails"]["welcomeMessage"] == "Be kind."

        await open_screen(page, base + "/admin/config-federation/")
        assert await page.evaluate("document.querySelector('[data-daemon=federate]')") is None  # run-all runs it
        assert await form.save_field("federation/username", "dashcaster") == ("message ok", "Saved.")
        assert config(admin)["federation"]["username"] == "dashcaster"

        # The header's title field, on any screen.
        await form.fill("#stream-title", "Saved from the header")
        await form.click("#title-form button")
        await page.wait_for("document.getElementById('title-message').textContent === 'Title updated.'")
        assert config(admin)["instanceDetails"]["streamTitle"] == "Saved from the header"
        assert unexpected(page.console) == [], page.console


async def test_keys_video_and_storage(dash: RunningServer, admin: httpx.Client, moto_endpoint: str) -> None:
    base = dash.base_url
    make_client({"endpoint": moto_endpoint, "accessKey": "test", "secret": "test"}).create_bucket(Bucket="dash")
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        form = Form(page)
        await page.viewport(1280, 900)
        await open_screen(page, base + "/admin/config/server/")
        generated = await form.value("#add-stream-key input")
        assert len(generated) >= 20
        await form.fill("#add-stream-key input + input", "OBS at home")
        await form.click("#add-stream-key button")
        assert (await form.message("#add-stream-key ~ .message, section:has(#add-stream-key)"))[1] == "Key added."
        keys = config(admin)["streamKeys"]
        assert {"key": generated, "comment": "OBS at home"} in keys
        assert await page.evaluate(f"document.body.innerText.includes({json.dumps(generated)})")
        # S3: a bucket that answers, then an endpoint that does not; neither is saved by testing.
        for name, value in {"endpoint": moto_endpoint, "bucket": "dash", "accessKey": "test", "secret": "test",
                            "region": "us-east-1"}.items():
            await form.fill(f'#s3-form input[name="{name}"]', value)
        await form.click("#s3-path-style")
        await form.click("#s3-form button.secondary")
        ok = await form.message("#s3-form")
        assert ok[0] == "message ok" and "connected to bucket 'dash'" in ok[1], ok
        await form.fill('#s3-form input[name="endpoint"]', f"http://127.0.0.1:{closed_port()}")
        await form.click("#s3-form button.secondary")
        failed = await form.message("#s3-form")
        assert failed[0] == "message error" and "cannot reach the S3 endpoint" in failed[1], failed
        assert config(admin)["s3"]["enabled"] is False
        await form.fill('#s3-form input[name="endpoint"]', moto_endpoint)
        await form.click("#s3-form button[type=submit]")
        assert (await form.message("#s3-form"))[0] == "message ok"
        assert config(admin)["s3"]["bucket"] == "dash" and config(admin)["s3"]["enabled"] is False
        await shoot(page, "form-s3-1280")

        await open_screen(page, base + "/admin/config-video")
        await page.evaluate("[...document.querySelectorAll('button')].find(b => b.textContent === 'Add a variant').click()")
        await form.fill(".variant-editor input", "Low")
        await form.fill(".variant-editor input[type=number]", 600)
        await form.click(".variant-editor button[type=submit]")
        await page.wait_for("document.body.innerText.includes('Saved. Takes effect at the next stream.')")
        variants = config(admin)["videoSettings"]["videoQualityVariants"]
        assert len(variants) == 2 and variants[1]["name"] == "Low" and variants[1]["videoBitrate"] == 600
        await form.fill("input[type=range]", "3")
        await page.wait_for("document.querySelector('.range-row').parentElement.querySelector('.message.ok')")
        assert config(admin)["videoSettings"]["latencyLevel"] == 3
        assert unexpected(page.console) == [], page.console


async def test_chat_integrations_and_notifications(dash: RunningServer, admin: httpx.Client) -> None:
    base = dash.base_url
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        form = Form(page)
        await page.viewport(1280, 900)
        await open_screen(page, base + "/admin/webhooks/")
        await form.fill("#webhook-url", "ftp://example.com/hook")
        await form.click("#webhook-form button[type=submit]")
        refused = await form.message("#webhook-form")
        assert refused == ("message error", "the webhook url must be an absolute http:// or https:// URL "
                                            "(got 'ftp://example.com/hook')")
        assert admin.get("/api/admin/webhooks").json() == []
        await form.fill("#webhook-url", "https://example.com/hook")
        await form.click("#webhook-form input[value=STREAM_STOPPED]")
        await form.click("#webhook-form button[type=submit]")
        assert await form.message("#webhook-form") == ("message ok", "Webhook added.")
        hooks = admin.get("/api/admin/webhooks").json()
        assert [(h["url"], h["events"]) for h in hooks] == [("https://example.com/hook", ["STREAM_STARTED", "STREAM_STOPPED"])]

        await open_screen(page, base + "/admin/access-tokens/")
        await form.fill("#token-name", "dash bot")
        await form.click("input[value=CAN_SEND_SYSTEM_MESSAGES]")
        await form.click("form.card button[type=submit]")
        await page.wait_for("document.querySelector('.secret-once input')")
        token = await form.value(".secret-once input")
        listed = admin.get("/api/admin/accesstokens").json()
        assert [(t["displayName"], t["accessToken"], t["scopes"]) for t in listed] == [
            ("dash bot", token, ["CAN_SEND_SYSTEM_MESSAGES"])]
        sent = httpx.post(f"{base}/api/integrations/chat/system", json={"body": "hello from the bot"},
                          headers={"Authorization": f"Bearer {token}"})
        assert sent.status_code == 200

        await open_screen(page, base + "/admin/actions/")
        await form.fill("form.card input[name=title]", "Tip jar")
        await form.fill("form.card input[name=url]", "https://example.com/tip")
        await form.click("form.card button[type=submit]")
        await page.wait_for("document.body.innerText.includes('Action added.')")
        actions = config(admin)["externalActions"]
        assert actions[0]["title"] == "Tip jar" and actions[0]["url"] == "https://example.com/tip"

        await open_screen(page, base + "/admin/config-notify")
        await form.click("#notifications\\/discord-enabled")
        await form.click("section:nth-of-type(2) form button[type=submit]")
        kind, text = await form.message("section:nth-of-type(2) form")
        assert kind == "message error" and "webhook" in text, text
        assert config(admin)["notifications"]["discord"]["enabled"] is False

        await open_screen(page, base + "/admin/chat/users/")
        await form.click("#tab-ips")
        await page.wait_for("document.querySelector('input[aria-label=\"IP address to ban\"]')")
        await form.fill("input[aria-label='IP address to ban']", "not an address")
        await form.click("#users-panel form button")
        await page.wait_for("document.querySelector('.screen .message.error')")
        assert admin.get("/api/admin/chat/users/ipbans").json() == []
        await form.fill("input[aria-label='IP address to ban']", "203.0.113.7")
        await form.click("#users-panel form button")
        await page.wait_for("document.querySelector('button[aria-label=\"Unban 203.0.113.7\"]')")
        assert [b["ipAddress"] for b in admin.get("/api/admin/chat/users/ipbans").json()] == ["203.0.113.7"]
        await form.click("button[aria-label='Unban 203.0.113.7']")
        await page.wait_for("!document.querySelector('button[aria-label=\"Unban 203.0.113.7\"]')")
        assert admin.get("/api/admin/chat/users/ipbans").json() == []

        await open_screen(page, base + "/admin/chat/emojis/")
        await page.evaluate(f"""(() => {{ const bytes = Uint8Array.from(atob('{PNG}'), c => c.charCodeAt(0));
            const dt = new DataTransfer(); dt.items.add(new File([bytes], 'dashdot.png', {{type: 'image/png'}}));
            const input = document.querySelector('input[type=file]'); input.files = dt.files;
            input.dispatchEvent(new Event('change')); }})()""")
        await form.click("form.card button[type=submit]")
        await page.wait_for("[...document.querySelectorAll('figcaption')].some(f => f.textContent === ':dashdot:')")
        assert any(e["name"] == "dashdot" for e in httpx.get(f"{base}/api/emoji").json())
        await page.evaluate("document.querySelector('button[aria-label=\"Delete emoji dashdot\"]').click()")
        await page.wait_for("![...document.querySelectorAll('figcaption')].some(f => f.textContent === ':dashdot:')")
        assert not any(e["name"] == "dashdot" for e in httpx.get(f"{base}/api/emoji").json())
        assert unexpected(page.console) == [], page.console
