"""Chat run apart: a body its route never reads does not stall the next request on the connection."""

from __future__ import annotations

import httpx
import pytest

from tests.chat.conftest import chat_apart

pytestmark = pytest.mark.e2e


def test_unread_body_then_next_request_through_chat_apart() -> None:
    # Without body_first on chat's own hypercorn, about half of these second requests hung: chat
    # answered the 401 before the body had been parsed and hypercorn dropped the connection.
    with chat_apart() as (server, _chat), httpx.Client(base_url=server.base_url, timeout=3) as client:
        for _ in range(20):
            refused = client.request("GET", "/api/chat", content=b'{"x": 1}')
            assert refused.status_code == 401
            assert client.post("/api/chat/register", json={}).status_code == 200
