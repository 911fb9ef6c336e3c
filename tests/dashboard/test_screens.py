"""Every screen in headless chromium at 1280 and 375 px: it loads, says what it is, logs no error.

Screenshots go to test-artifacts/dashboard/<page>-<width>.png for a person to look at.
"""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from owncast_cli.serve.dashboard import PAGES
from tests.conftest import RunningServer
from tests.dashboard.conftest import admin_page, open_screen, screen_name, shoot
from tests.serve import cdp

#: Screens with charts, and how many.
CHARTS = {"viewers": 1, "hardware": 3, "stream-health": 4}
pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]


async def test_every_screen_loads_without_errors(dash: RunningServer) -> None:
    base = dash.base_url
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        for width, height in ((1280, 900), (375, 812)):
            await page.viewport(width, height)
            for path in PAGES:
                page.console.clear()
                screen = await open_screen(page, base + path)
                link = await page.evaluate(f"document.querySelector('#nav a[href=\"{path}\"]').dataset.screen")
                assert screen == link, path
                heading = await page.evaluate("document.querySelector('main h1').textContent")
                assert heading == await page.evaluate(f"document.querySelector('#nav a[href=\"{path}\"]').textContent")
                assert await page.evaluate("document.querySelector('#nav a[aria-current=page]').getAttribute('href')") == path
                assert not await page.evaluate("!!document.querySelector('main .message.error')"), path
                assert page.console == [], (path, page.console)
                if screen in CHARTS:  # uPlot (from npm) drew them
                    assert await page.evaluate("document.querySelectorAll('.uplot canvas').length") == CHARTS[screen]
                if width == 375:
                    assert await page.evaluate("document.documentElement.scrollWidth") <= 375, path
                await shoot(page, f"{screen_name(path)}-{width}")


async def test_navigation_without_reload_and_keyboard(dash: RunningServer, admin: httpx.Client) -> None:
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        await page.viewport(375, 812)
        await open_screen(page, dash.base_url + "/admin/")
        await page.evaluate("window.__same = true")
        # The menu opens from its button, moves focus into the list, and a link changes the screen.
        assert await page.evaluate("getComputedStyle(document.getElementById('nav')).display") == "none"
        await page.evaluate("document.getElementById('menu').click()")
        assert await page.evaluate("document.activeElement.getAttribute('href')") == "/admin/"
        await page.evaluate("document.querySelector('#nav a[href=\"/admin/logs/\"]').click()")
        await page.wait_for("document.getElementById('screen').dataset.ready === 'logs'")
        assert await page.evaluate("location.pathname") == "/admin/logs/"
        assert await page.evaluate("getComputedStyle(document.getElementById('nav')).display") == "none"
        await page.evaluate("history.back()")
        await page.wait_for("document.getElementById('screen').dataset.ready === 'home'")
        assert await page.evaluate("window.__same === true")
        # The keyboard alone: type into a field, Enter saves it; the tabs follow the arrow keys.
        await open_screen(page, dash.base_url + "/admin/config/general/")
        await page.evaluate("document.querySelector('.field[data-path=name] input').select()")
        await page.send("Input.insertText", text="Typed With Keys")
        await key(page, "Enter")
        await page.wait_for("document.querySelector('.field[data-path=name] .message.ok')")
        assert admin.get("/api/admin/serverconfig").json()["instanceDetails"]["name"] == "Typed With Keys"
        await open_screen(page, dash.base_url + "/admin/chat/users/")
        await page.evaluate("document.getElementById('tab-connected').focus()")
        await key(page, "ArrowRight")
        await page.wait_for("document.activeElement.id === 'tab-all'")
        assert await page.evaluate("document.getElementById('tab-all').getAttribute('aria-selected')") == "true"
        assert page.console == [], page.console


async def key(page: cdp.Page, name: str) -> None:
    codes = {"Enter": 13, "ArrowRight": 39}
    for kind in ("rawKeyDown", "keyUp"):
        await page.send("Input.dispatchKeyEvent", type=kind, key=name, code=name,
                        windowsVirtualKeyCode=codes[name], nativeVirtualKeyCode=codes[name])


async def test_without_credentials_the_dashboard_is_not_shown(dash: RunningServer) -> None:
    async with cdp.browser() as new_page, admin_page(new_page, signed_in=False) as page:
        await page.goto(dash.base_url + "/admin/config/server/")
        assert await page.evaluate("document.getElementById('nav')") is None
        assert await page.evaluate("document.getElementById('screen')") is None
    assert httpx.get(dash.base_url + "/api/admin/serverconfig").status_code == 401


async def test_unreachable_banner(dash: RunningServer) -> None:
    """When the API stops answering the header says so, and the banner goes once it is back."""
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        await open_screen(page, dash.base_url + "/admin/")
        assert await page.evaluate("document.getElementById('unreachable').hidden")
        await page.send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1,
                        uploadThroughput=-1)
        await page.wait_for("!document.getElementById('unreachable').hidden", timeout=15)
        await shoot(page, "unreachable-banner")
        await page.send("Network.emulateNetworkConditions", offline=False, latency=0, downloadThroughput=-1,
                        uploadThroughput=-1)
        await page.wait_for("document.getElementById('unreachable').hidden", timeout=15)


async def test_federation_screens(dash: RunningServer) -> None:
    """With federate running (run-all starts it) the followers screens ask its routes; with its
    daemon recorded as stopped they say how to start it instead."""
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        await open_screen(page, dash.base_url + "/admin/federation/followers/")
        text = await page.evaluate("document.getElementById('screen').innerText")
        assert "Pending requests (0)" in text and "Followers (0)" in text and "Blocked (0)" in text
        assert "Compose a post" in text and "not running" not in text
        await shoot(page, "followers-federate-running-1280")
        await open_screen(page, dash.base_url + "/admin/federation/actions/")
        assert "Recent engagement" in await page.evaluate("document.getElementById('screen').innerText")
        assert page.console == [], page.console
        db = sqlite3.connect(dash.datadir / "owncast.db")
        try:
            with db:
                db.execute("UPDATE daemons SET state = 'stopped' WHERE name = 'federate'")
            for path in ("/admin/federation/followers/", "/admin/federation/actions/"):
                await open_screen(page, dash.base_url + path)
                notice = await page.evaluate("document.querySelector('[data-daemon=federate]').innerText")
                assert "The federate daemon is not running" in notice and "owncast federate" in notice
        finally:
            with db:
                db.execute("UPDATE daemons SET state = 'running' WHERE name = 'federate'")
            db.close()


async def test_home_rtmp_url_and_server_checks(dash: RunningServer) -> None:
    """Home names the real RTMP port; "Run server checks" shows the doctor's findings, worst first."""
    async with cdp.browser() as new_page, admin_page(new_page) as page:
        await page.viewport(1280, 900)
        await open_screen(page, dash.base_url + "/admin/")
        # The RTMP URL to copy names the port ingest listens on (--rtmpport 0 here), not the config's.
        shown = await page.evaluate("document.querySelector('input[aria-label=\"Server (RTMP URL)\"]').value")
        assert shown == f"rtmp://127.0.0.1:{dash.rtmp_port}/live"
        await page.evaluate("[...document.querySelectorAll('button')].find(b => b.textContent === 'Run server checks').click()")
        await page.wait_for("document.querySelector('#doctor-results table')", timeout=90)
        results = await page.evaluate("[...document.querySelectorAll('#doctor-results tbody tr')]"
                                      ".map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])")
        assert results and all(status in ("failed", "warning", "passed") for _, status in results)
        order = {"failed": 0, "warning": 1, "passed": 2}
        assert [order[s] for _, s in results] == sorted(order[s] for _, s in results)
        # The default admin password is what the doctor's security family warns about.
        assert any(check.startswith("security.") and status != "passed" for check, status in results), results
        await shoot(page, "home-server-checks-1280")
        assert page.console == [], page.console

