"""Fixtures for the admin dashboard: one run-all per module, a browser page signed in as the admin."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from owncast_cli.serve.dashboard import PAGES
from tests.conftest import ROOT, RunningServer, fresh_datadir, serving, start_run_all
from tests.serve import cdp

ADMIN = ("admin", "abc123")
#: Screenshots of every screen for a person to look at (test-artifacts/ is git-ignored).
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
#: Reports every CSP violation as a console error, before any of the page's own scripts run.
CSP_WATCH = ("document.addEventListener('securitypolicyviolation', (e) => "
             "console.error('CSP violation', e.violatedDirective, e.blockedURI));")


@pytest.fixture(scope="module")
def dash() -> Iterator[RunningServer]:
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


@pytest.fixture
def admin(dash: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=dash.base_url, auth=ADMIN, timeout=10) as client:
        yield client


def screen_name(path: str) -> str:
    """The file name a page path's screenshots get."""
    return path.strip("/").replace("/", "_") or "admin"


async def sign_in(page: cdp.Page, user: str = "admin", password: str = "abc123") -> None:
    """Send Basic credentials with every request of ``page``, as a browser does after its login prompt."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    await page.send("Network.enable")
    await page.send("Network.setExtraHTTPHeaders", headers={"Authorization": f"Basic {token}"})


@asynccontextmanager
async def admin_page(new_page: Any, *, signed_in: bool = True) -> AsyncIterator[cdp.Page]:
    """A page that reports console errors, failed loads and CSP violations into ``page.console``."""
    async with new_page() as page:
        await page.send("Log.enable")
        await page.send("Page.addScriptToEvaluateOnNewDocument", source=CSP_WATCH)
        if signed_in:
            await sign_in(page)
        yield page


async def open_screen(page: cdp.Page, url: str, timeout: float = 20) -> str:
    """Load ``url`` and wait until its screen finished rendering; the screen's name."""
    await page.goto(url)
    await page.wait_for("document.getElementById('screen') && document.getElementById('screen').dataset.ready",
                        timeout=timeout)
    return str(await page.evaluate("document.getElementById('screen').dataset.ready"))


async def shoot(page: cdp.Page, name: str) -> Path:
    """A screenshot of the whole page (up to 6000 px tall), not only the viewport."""
    metrics = await page.send("Page.getLayoutMetrics")
    size = metrics["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 6000), "scale": 1}
    data = await page.send("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(data["data"]))
    return path


__all__ = ["ADMIN", "ARTIFACTS", "PAGES", "admin_page", "open_screen", "screen_name", "shoot", "sign_in"]
