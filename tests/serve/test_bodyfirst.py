"""A request body the route never reads does not stall the next request on the connection."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import RunningServer

pytestmark = pytest.mark.e2e

#: Routes that answer without reading a body: a 404, a preflight, a GET.
UNREAD = [("GET", "/api/no-such-route"), ("OPTIONS", "/api/status"), ("GET", "/api/status")]


@pytest.mark.parametrize(("method", "path"), UNREAD)
def test_unread_body_then_next_request_on_the_same_connection(hls_server: RunningServer, method: str,
                                                              path: str) -> None:
    # Without the fix about one in three of these second requests hung (hypercorn dropped the
    # connection half-way when the answer came before the body had been parsed).
    with httpx.Client(base_url=hls_server.base_url, timeout=2) as client:
        for _ in range(30):
            first = client.request(method, path, content=b'{"x": 1}')
            assert first.status_code < 500
            assert client.get("/api/status").status_code == 200
