"""The viewer page in headless chromium while offline: the next stream with a countdown, and the
schedule tab. Screenshots go to test-artifacts/ for a person to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import ROOT, owncast
from tests.serve import cdp

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium")]
ARTIFACTS = ROOT / "test-artifacts"


async def test_offline_page_counts_down_to_the_next_stream(schedule_server) -> None:
    datadir = schedule_server.datadir
    owncast("config", "set", "schedule_show_countdown", "true", datadir=datadir, check=True)
    start = datetime.now(UTC) + timedelta(days=2, hours=3, minutes=4)
    owncast("schedule", "add", "Friday build stream", "--start", start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "--description", "Building the schedule", datadir=datadir, check=True)
    weekly = (start + timedelta(days=1)).strftime("%Y-%m-%d 20:00")
    owncast("schedule", "add", "Weekly Q&A", "--start", weekly, "--timezone", "Europe/Berlin",
            "--weekly", "", "--count", "3", datadir=datadir, check=True)
    async with cdp.browser() as new_page, new_page() as page:
        await page.viewport(1280, 800)
        await page.goto(schedule_server.base_url + "/")
        await page.wait_for("!document.getElementById('offline').hidden")
        await page.wait_for("document.getElementById('schedule-next') && !document.getElementById('schedule-next').hidden",
                            timeout=15)
        assert await page.evaluate("document.getElementById('schedule-next-name').textContent") == "Friday build stream"
        first = await page.evaluate("document.getElementById('schedule-countdown').textContent")
        assert first.startswith("Starts in 2d 03:0"), first
        await page.wait_for(f"document.getElementById('schedule-countdown').textContent !== {first!r}", timeout=5)
        items = await page.evaluate("[...document.querySelectorAll('#schedule-list .schedule-name')]"
                                    ".map(e => e.textContent)")
        assert items == ["Friday build stream", "Weekly Q&A", "Weekly Q&A", "Weekly Q&A"]
        feed = await page.evaluate("document.querySelector('.schedule-feed').href")
        assert feed.startswith("webcal://") and feed.endswith("/api/schedule.ics")
        await page.screenshot(ARTIFACTS / "schedule-offline-1280.png")
        await page.viewport(375, 740)
        await page.screenshot(ARTIFACTS / "schedule-offline-375.png")
        errors = [line for line in page.console if "exception" in line or "error" in line.lower()]
        assert not errors, errors
