"""Static routes (Owncast webserver/handlers/{robots,customJavascript,ping}.go): bodies and types."""

from __future__ import annotations

import httpx
import pytest

from tests.parity.conftest import eventually

pytestmark = pytest.mark.e2e


def test_robots_txt_as_owncast_writes_it(admin: httpx.Client, anonymous: httpx.Client) -> None:
    default = anonymous.get("/robots.txt")
    assert default.headers["content-type"].startswith("text/plain")
    assert default.text == "User-agent: *\nDisallow: /admin\nDisallow: /api"
    assert admin.post("/api/admin/config/disablesearchindexing", json={"value": True}).status_code == 200
    try:
        # Owncast adds "Disallow: /" to the three lines (it does not replace them).
        expected = "User-agent: *\nDisallow: /admin\nDisallow: /api\nDisallow: /"
        assert eventually(lambda: anonymous.get("/robots.txt").text, expected) == expected
    finally:
        admin.post("/api/admin/config/disablesearchindexing", json={"value": False})


def test_custom_javascript_and_ping(admin: httpx.Client, anonymous: httpx.Client) -> None:
    assert admin.post("/api/admin/config/customjavascript", json={"value": "console.log(1)"}).status_code == 200
    try:
        assert eventually(lambda: anonymous.get("/customjavascript").text, "console.log(1)") == "console.log(1)"
        assert anonymous.get("/customjavascript").headers["content-type"] == "text/javascript; charset=utf-8"
    finally:
        admin.post("/api/admin/config/customjavascript", json={"value": ""})
    ping = anonymous.get("/api/ping")
    assert (ping.status_code, ping.content) == (200, b"")
