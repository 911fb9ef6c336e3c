"""A chat client for tests: registers over HTTP, speaks Owncast's websocket protocol (trio-websocket)."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import trio
from trio_websocket import WebSocketConnection, open_websocket_url

from owncast_cli.chat.events import split_frame

WAIT = 5.0


async def register(base_url: str, name: str | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=WAIT) as http:
        body = {"displayName": name} if name is not None else None
        response = await http.post(f"{base_url}/api/chat/register", json=body, headers=headers or {})
        response.raise_for_status()
        return response.json()


class ChatClient:
    """One websocket: ``next(type)`` returns the next event of that type, keeping the rest."""

    def __init__(self, ws: WebSocketConnection, user: dict[str, Any]) -> None:
        self.ws, self.user = ws, user
        self.events: deque[dict[str, Any]] = deque()
        self.frames: list[str] = []

    async def send(self, **event: Any) -> None:
        await self.ws.send_message(json.dumps(event))

    async def chat(self, body: str) -> None:
        await self.send(type="CHAT", body=body)

    async def _read(self) -> None:
        frame = await self.ws.get_message()
        assert isinstance(frame, str)
        self.frames.append(frame)
        self.events.extend(split_frame(frame))

    async def next(self, *types: str, timeout: float = WAIT) -> dict[str, Any]:
        with trio.fail_after(timeout):
            while True:
                for event in list(self.events):
                    if not types or event.get("type") in types:
                        self.events.remove(event)
                        return event
                await self._read()

    async def nothing_of(self, *types: str, within: float = 0.5, user_id: str | None = None) -> None:
        """Assert no event of these types (about ``user_id``, if given) arrives within ``within`` s."""
        with trio.move_on_after(within):
            while True:
                await self._read()
        unwanted = [e for e in self.events if e.get("type") in types
                    and (user_id is None or (e.get("user") or {}).get("id") == user_id)]
        assert not unwanted, unwanted


@asynccontextmanager
async def chat_client(base_url: str, name: str | None = None, *, user: dict[str, Any] | None = None,
                      headers: dict[str, str] | None = None) -> AsyncIterator[ChatClient]:
    user = user or await register(base_url, name)
    url = base_url.replace("http://", "ws://") + f"/ws?accessToken={user['accessToken']}"
    extra = list((headers or {}).items())
    async with open_websocket_url(url, extra_headers=extra, connect_timeout=WAIT,
                                  disconnect_timeout=WAIT) as ws:
        yield ChatClient(ws, user)
