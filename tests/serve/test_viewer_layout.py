"""The viewer page as a viewer sees it in chromium (1280x800 and 375x812), and the platform logos.

A wide screen shows the chat column at the viewport's height with its input in view and its
messages scrolling inside; a phone opens the chat with one tap, under the video. Screenshots go to
test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
import trio

from owncast_cli.serve.platform_logos import SOURCES
from owncast_cli.serve.platforms import PLATFORMS
from tests.conftest import ROOT, RunningServer, fresh_datadir, owncast, serving, start_run_all
from tests.serve import cdp

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]
ARTIFACTS = ROOT / "test-artifacts"
VENDOR = ROOT / "share" / "web" / "vendor" / "node_modules"
MESSAGES = 40
SHOWN = ["github", "mastodon", "twitter", "linkedin", "kofi", "youtube", "donate", "follow", "keyoxide", "discord"]


@pytest.fixture(scope="module")
def site() -> Iterator[RunningServer]:
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    handles = [{"platform": p, "url": f"https://example.com/{p}"} for p in SHOWN]
    owncast("config", "set", "social_handles", json.dumps(handles), datadir=datadir, check=True)
    with serving(start_run_all(datadir)) as running:
        with httpx.Client(base_url=running.base_url, auth=("admin", "abc123"), timeout=10) as http:
            token = http.post("/api/admin/accesstokens/create",
                              json={"name": "bot", "scopes": ["CAN_SEND_MESSAGES"]}).json()["accessToken"]
            for i in range(MESSAGES):
                sent = http.post("/api/integrations/chat/send", auth=None, headers={"Authorization": f"Bearer {token}"},
                                 json={"body": f"message {i}: a line long enough to wrap in a narrow chat column"})
                assert sent.status_code == 200, sent.text
        yield running


def rect(selector: str) -> str:
    """JS for the bounding box of the element ``selector`` names (or a JS expression for one)."""
    element = selector if selector.startswith("[") else f"document.querySelector({json.dumps(selector)})"
    return f"{element}.getBoundingClientRect().toJSON()"


LAST_MESSAGE = "[...document.querySelectorAll('#chat .chat-message')].pop()"
ALL_SHOWN = f"document.querySelectorAll('#chat .chat-message').length >= {MESSAGES}"


async def test_wide_screen_chat_column_fills_the_viewport(site: RunningServer) -> None:
    with trio.fail_after(120):
        async with cdp.browser() as new_page, new_page() as page:
            await page.viewport(1280, 800)
            await page.goto(site.base_url + "/")
            await page.wait_for(ALL_SHOWN)
            await page.wait_for(f"(() => {{ const m = {rect(LAST_MESSAGE)}, l = {rect('#chat .chat-messages')};"
                                " return m.bottom <= l.bottom + 1; })()")  # followed to the newest
            chat = await page.evaluate(rect("#chat"))
            header = await page.evaluate(rect(".topbar"))
            assert (chat["top"], chat["bottom"], chat["height"]) == (header["bottom"], 800, 800 - header["bottom"])
            scrolls = await page.evaluate("(() => { const l = document.querySelector('#chat .chat-messages');"
                                          " return [l.scrollHeight, l.clientHeight]; })()")
            assert scrolls[0] > scrolls[1] * 2  # forty messages scroll inside the column
            await page.screenshot(ARTIFACTS / "viewer-chat-1280.png")
            # Scrolling the page (to the about section) keeps the chat and its input where they are.
            await page.evaluate("window.scrollTo(0, 400)")
            await page.wait_for("window.scrollY >= 300")
            for _ in range(2):  # the input is visible without scrolling, before and after
                box = await page.evaluate(rect("#chat .chat-input"))
                assert 0 <= box["top"] and box["bottom"] <= 800, box
                assert (await page.evaluate(rect("#chat")))["top"] == header["bottom"]
                await page.evaluate("window.scrollTo(0, 0)")
            # The social links show the platforms' logos, drawn from the packages (64 px squares).
            sizes = await page.evaluate("[...document.querySelectorAll('.social img')].map(i => [i.alt, i.naturalWidth])")
            assert len(sizes) == len(SHOWN) and all(width == 64 for _, width in sizes), sizes


async def test_phone_opens_the_chat_under_the_video_in_one_tap(site: RunningServer) -> None:
    with trio.fail_after(120):
        async with cdp.browser() as new_page, new_page() as page:
            await page.viewport(375, 812)
            await page.goto(site.base_url + "/")
            await page.wait_for(ALL_SHOWN)
            assert (await page.evaluate(rect("#chat")))["height"] == 0  # the page shows the stream first
            toggle = await page.evaluate(rect("#chat-toggle"))
            assert toggle["bottom"] <= 56 and toggle["right"] <= 375  # in the header, in view
            await page.screenshot(ARTIFACTS / "viewer-375.png")
            await page.evaluate("document.getElementById('chat-toggle').click()")  # the one tap
            await page.wait_for(f"{rect('#chat')}.height > 300")
            stage, chat = await page.evaluate(rect("#stage")), await page.evaluate(rect("#chat"))
            assert stage["top"] == 56 and stage["bottom"] == pytest.approx(chat["top"], abs=1)  # video stays above
            assert chat["bottom"] == pytest.approx(812, abs=1)
            box = await page.evaluate(rect("#chat .chat-input"))
            assert box["top"] >= chat["top"] and box["bottom"] <= 812
            newest = await page.evaluate(rect(LAST_MESSAGE))
            assert chat["top"] <= newest["top"] and newest["bottom"] <= box["top"]  # the newest in view
            assert await page.evaluate("document.getElementById('chat-toggle').getAttribute('aria-expanded')") == "true"
            await page.screenshot(ARTIFACTS / "viewer-chat-375.png")
            await page.evaluate("document.getElementById('chat-toggle').click()")
            await page.wait_for(f"{rect('#chat')}.height === 0")


def test_platform_logos_are_the_brands_marks(site: RunningServer) -> None:
    with httpx.Client(base_url=site.base_url, timeout=10) as http:
        for name, icon in PLATFORMS.values():
            answer = http.get(f"/img/platformlogos/{icon}")
            assert answer.status_code == 200, icon
            if icon not in SOURCES:
                assert answer.headers["content-type"] == "image/png"  # Keyoxide's own PNG
                continue
            assert answer.headers["content-type"] == "image/svg+xml"
            package, glyph, _ = SOURCES[icon]
            marks = re.findall(r' d="([^"]+)"', (VENDOR / package / "icons" / f"{glyph}.svg").read_text())
            assert marks and all(f'd="{mark}"' in answer.text for mark in marks), icon
            assert "<text" not in answer.text and f"<title>{name}</title>" in answer.text
            again = http.get(f"/img/platformlogos/{icon}", headers={"If-None-Match": answer.headers["etag"]})
            assert again.status_code == 304
        assert 'fill="#181717"' in http.get("/img/platformlogos/github.svg").text  # GitHub's colour
        assert http.get("/img/platformlogos/nothing.svg").status_code == 404
