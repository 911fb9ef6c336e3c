"""The viewer page in headless chromium: plays live HLS, follows the stream going off and on, embeds.

Screenshots of the live and offline page at 1280 and 375 px go to test-artifacts/ for a person to
look at.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator

import pytest
import trio

from tests.conftest import ROOT, RunningServer, owncast
from tests.serve import cdp
from tests.serve.conftest import prepared_datadir, start_serve
from tests.serve.media import set_stream, start_live_hls, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]
ARTIFACTS = ROOT / "test-artifacts"
TITLE = "Browser test stream"


class LiveSite:
    def __init__(self, server: RunningServer) -> None:
        self.server = server
        self.ffmpeg: subprocess.Popen[bytes] | None = None

    def go_live(self) -> None:
        hls = self.server.datadir / "hls"
        shutil.rmtree(hls, ignore_errors=True)
        hls.mkdir()
        self.ffmpeg = start_live_hls(hls)
        wait_for(hls / "stream.m3u8")
        wait_for(hls / "1" / "stream-2.ts")  # a few seconds buffered in every variant
        set_stream(self.server.datadir, online=True)

    def go_offline(self) -> None:
        set_stream(self.server.datadir, online=False)
        self.stop_ffmpeg()

    def stop_ffmpeg(self) -> None:
        if self.ffmpeg is not None and self.ffmpeg.poll() is None:
            self.ffmpeg.terminate()
            self.ffmpeg.wait(10)
        self.ffmpeg = None


@pytest.fixture(scope="module")
def site() -> Iterator[LiveSite]:
    datadir = prepared_datadir()
    owncast("config", "set", "stream_title", TITLE, datadir=datadir, check=True)
    owncast("config", "set", "custom_offline_message", "Back **tomorrow** at noon.", datadir=datadir, check=True)
    running = start_serve(datadir)
    live = LiveSite(running)
    try:
        running.wait_ready()
        yield live
    finally:
        live.stop_ffmpeg()
        if running.proc.poll() is None:
            running.stop()
        shutil.rmtree(datadir, ignore_errors=True)


PLAYING = "(() => { const v = document.getElementById('video'); return v && v.currentTime > 1.5 && !v.paused; })()"
OFFLINE_SHOWN = "!document.getElementById('offline').hidden && document.getElementById('player').hidden"


async def _advances(page: cdp.Page) -> None:
    """The video's clock moves on: real playback, not a poster."""
    await page.wait_for(PLAYING, timeout=30)
    first = await page.evaluate("document.getElementById('video').currentTime")
    await page.wait_for(f"document.getElementById('video').currentTime > {first} + 0.5", timeout=10)


async def test_live_offline_live_without_reload(site: LiveSite) -> None:
    base = site.server.base_url
    await trio.to_thread.run_sync(site.go_live)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1280, 800)
        await page.goto(base + "/")
        await _advances(page)
        engine = await page.evaluate("document.getElementById('video').dataset.engine")
        native = await page.evaluate("document.createElement('video').canPlayType('application/vnd.apple.mpegurl')")
        assert engine == ("native" if native else "hlsjs")
        assert await page.evaluate("document.getElementById('stream-title').textContent") == TITLE
        await page.wait_for("!document.getElementById('viewer-count').hidden && "
                            "Number(document.getElementById('viewer-number').textContent) >= 1", timeout=10)
        options = await page.evaluate("[...document.getElementById('quality').options].map(o => o.textContent)")
        assert options[0] == "Auto" and options[-1] == "Low" and len(options) == 3
        assert await page.evaluate("document.getElementById('live-indicator').textContent") == "LIVE"
        assert await page.evaluate("!document.getElementById('unmute').hidden")  # muted autoplay, obvious unmute
        await page.evaluate("window.__sameDocument = true")
        await page.screenshot(ARTIFACTS / "live-1280.png")
        await page.viewport(375, 740)
        # On a phone the chat waits behind its header button (tests/serve/test_viewer_layout.py).
        await page.wait_for("document.getElementById('chat') === null || "
                            "document.getElementById('chat').getBoundingClientRect().height === 0")
        await page.screenshot(ARTIFACTS / "live-375.png")

        await trio.to_thread.run_sync(site.go_offline)
        await page.wait_for(OFFLINE_SHOWN, timeout=15)
        text = await page.evaluate("document.getElementById('offline').innerText")
        assert "tomorrow" in text and "Last live" in text
        await page.screenshot(ARTIFACTS / "offline-375.png")
        await page.viewport(1280, 800)
        await page.screenshot(ARTIFACTS / "offline-1280.png")

        await trio.to_thread.run_sync(site.go_live)
        await page.wait_for("!document.getElementById('player').hidden", timeout=15)
        await _advances(page)
        assert await page.evaluate("window.__sameDocument === true")  # no reload happened
        errors = [line for line in page.console if "exception" in line]
        assert not errors, errors


async def test_hlsjs_path_plays(site: LiveSite) -> None:
    if site.ffmpeg is None:
        await trio.to_thread.run_sync(site.go_live)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1280, 800)
        await page.goto(site.server.base_url + "/?player=hlsjs")
        await _advances(page)
        assert await page.evaluate("document.getElementById('video').dataset.engine") == "hlsjs"
        assert await page.evaluate("typeof window.Hls") == "function"
        # Choosing a quality switches hls.js to that level and playback goes on.
        await page.evaluate("(() => { const q = document.getElementById('quality'); q.value = '1';"
                            " q.dispatchEvent(new Event('change')); })()")
        await _advances(page)


async def test_embeds_load_in_iframes(site: LiveSite) -> None:
    if site.ffmpeg is None:
        await trio.to_thread.run_sync(site.go_live)
    host = site.server.datadir / "public" / "embeds.html"
    host.write_text('<!doctype html><iframe id="v" src="/embed/video" width="640" height="360"></iframe>'
                    '<iframe id="c" src="/embed/chat" width="320" height="360"></iframe>'
                    '<iframe id="w" src="/embed/chat/readwrite" width="320" height="360"></iframe>')
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1320, 400)
        await page.goto(site.server.base_url + "/public/embeds.html")
        frame = "document.getElementById('{}').contentDocument"
        await page.wait_for(f"{frame.format('v')}.getElementById('video').currentTime > 1", timeout=30)
        assert await page.evaluate(f"{frame.format('v')}.getElementById('chat') === null")
        await page.wait_for(f"{frame.format('c')}.location.pathname === '/embed/chat/readonly'")
        assert await page.evaluate(f"{frame.format('c')}.getElementById('chat').dataset.mode") == "readonly"
        await page.wait_for(f"{frame.format('w')}.getElementById('chat')")
        assert await page.evaluate(f"{frame.format('w')}.getElementById('chat').dataset.mode") == "readwrite"
        await page.screenshot(ARTIFACTS / "embeds.png")


async def test_keeps_playing_through_a_transcoder_restart(site: LiveSite) -> None:
    """The transcoder restarts (new ffmpeg, segment numbers from 0 again): the page plays on by itself."""
    if site.ffmpeg is None:
        await trio.to_thread.run_sync(site.go_live)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1280, 800)
        await page.goto(site.server.base_url + "/")
        await _advances(page)
        await page.evaluate("window.__sameDocument = true")
        before = await page.evaluate("document.getElementById('video').currentTime")
        # Only ffmpeg restarts (the stream stays online on the bus), as when the transcoder crashes.
        await trio.to_thread.run_sync(site.stop_ffmpeg)
        await trio.to_thread.run_sync(site.go_live)
        # The old window held at most 6 s (list size 6 of 1 s segments), all deleted with it: 8 s
        # more of playback means media of the new ffmpeg played.
        await page.wait_for(f"document.getElementById('video').currentTime > {before} + 8", timeout=40)
        await _advances(page)
        assert await page.evaluate("window.__sameDocument === true")
        assert await page.evaluate("document.getElementById('offline').hidden")


FOCUSABLE = ("[...document.querySelectorAll('a[href], button, select, input, textarea, [tabindex]')]"
             ".filter(e => !e.disabled && e.offsetParent !== null && e.tabIndex >= 0)")


async def test_keyboard_and_320px(site: LiveSite) -> None:
    """At 320 px nothing overflows sideways; Tab reaches every control in order, each visibly focused,
    and the keyboard alone unmutes and picks a quality."""
    if site.ffmpeg is None:
        await trio.to_thread.run_sync(site.go_live)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(320, 640)
        await page.goto(site.server.base_url + "/")
        await _advances(page)
        await page.wait_for("document.getElementById('quality').options.length === 3")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 320
        wide = await page.evaluate("[...document.querySelectorAll('body *')].filter(e => e.offsetParent !== null"
                                   " && e.getBoundingClientRect().right > 320.5).map(e => e.id || e.className)")
        assert wide == [], wide
        await page.screenshot(ARTIFACTS / "live-320.png")

        expected = await page.evaluate(f"{FOCUSABLE}.length")
        reached: list[str] = []
        for _ in range(expected):
            await _key(page, "Tab")
            focus = await page.evaluate(
                "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return [e.id || e.tagName, s.outlineStyle !== 'none' && s.outlineWidth !== '0px' || "
                "s.boxShadow !== 'none']; })()")
            assert focus[1], f"{focus[0]} has no visible focus"
            reached.append(focus[0])
        for control in ("unmute", "quality", "fullscreen"):
            assert control in reached, reached

        await page.evaluate("document.getElementById('unmute').focus()")
        await _key(page, "Enter")
        await page.wait_for("!document.getElementById('video').muted", timeout=5)
        await page.evaluate("document.getElementById('quality').focus()")
        await _key(page, "ArrowDown")  # a focused <select> changes with the arrow keys
        await page.wait_for("document.getElementById('quality').value !== '-1'", timeout=5)
        await _advances(page)


async def _key(page: cdp.Page, key: str) -> None:
    codes = {"Tab": 9, "Enter": 13, "ArrowDown": 40}
    for kind in ("rawKeyDown", "keyUp"):
        await page.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                        windowsVirtualKeyCode=codes[key], nativeVirtualKeyCode=codes[key])
    if key == "Enter":
        await page.send("Input.dispatchKeyEvent", type="char", text="\r", key=key)


async def test_the_player_reports_its_playback_to_the_cmcd_collector(site: LiveSite) -> None:
    """The page's player sends CMCD v2 event reports (throughput, bitrate, latency, download time)
    under its session id; they reach the stored playback reports that feed the admin's figures."""
    if site.ffmpeg is None:
        await trio.to_thread.run_sync(site.go_live)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1280, 800)
        await page.goto(site.server.base_url + "/?player=hlsjs")
        await _advances(page)
        sid = await page.evaluate("window.OwncastPlayer.sessionId")
        db = site.server.datadir / "owncast.db"

        def reports() -> list[tuple[float | None, float | None, float | None]]:
            with sqlite3.connect(db) as conn:
                return conn.execute("SELECT bandwidth, latency, download_duration FROM playback_reports"
                                    " WHERE client_id = ? ORDER BY id", (sid,)).fetchall()

        # The "playing" report at once, then one every 10 s: the interval's carries every figure.
        with trio.fail_after(40):
            while not any(all(figure and figure > 0 for figure in row) for row in await trio.to_thread.run_sync(reports)):
                await trio.sleep(0.5)
        rows = await trio.to_thread.run_sync(reports)
        assert len(rows) >= 2 and all(latency is None or latency < 60 for _, latency, _ in rows), rows
