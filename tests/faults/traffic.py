"""Load for fault tests: chat clients sending one message a second, viewers polling HLS and ping.

Both behave as the web page does when the server goes away: they retry until it answers again,
and keep a record of what reached them so a test can check that nothing was lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import trio
from trio_websocket import ConnectionClosed, HandshakeError

from tests.chat.wsclient import ChatClient, chat_client, register
from tests.ingest.live import watch

#: The page's reconnect delay: how long a client waits before trying a server that went away.
RETRY_SECONDS = 0.25
#: Errors that mean "the server is not there right now" (killed, restarting).
GONE = (ConnectionClosed, HandshakeError, OSError, httpx.TransportError, trio.BrokenResourceError)


@dataclass
class Chatter:
    """A chat user sending ``"<name> <n>"`` once a second; ``echoed`` holds the bodies whose
    broadcast came back to it (what Owncast's page shows as sent)."""

    base_url: Callable[[], str]
    name: str
    user: dict[str, Any] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    echoed: list[str] = field(default_factory=list)
    connections: int = 0
    echo: trio.Event = field(default_factory=trio.Event)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        self.user = await register(self.base_url(), self.name)
        started = False
        while True:
            try:
                async with chat_client(self.base_url(), user=self.user) as client:
                    self.connections += 1
                    if not started:
                        started = True
                        task_status.started()
                    async with trio.open_nursery() as nursery:
                        nursery.start_soon(self._read, client)
                        while True:
                            body = f"{self.name} {len(self.sent)}"
                            self.sent.append(body)
                            await client.chat(body)
                            await trio.sleep(1.0)  # the traffic's own rate
            except* GONE:
                await trio.sleep(RETRY_SECONDS)

    async def _read(self, client: ChatClient) -> None:
        while True:
            event = await client.next("CHAT", timeout=3600)
            if (event.get("user") or {}).get("id") == self.user["id"]:
                self.echoed.append(_text(event["body"]))
                self.echo.set()
                self.echo = trio.Event()

    async def wait_echoes(self, count: int, timeout: float = 15.0) -> None:
        """Until ``count`` more of its messages came back to it."""
        target = len(self.echoed) + count
        with trio.fail_after(timeout):
            while len(self.echoed) < target:
                await self.echo.wait()


def _text(body: str) -> str:
    """The message text of a rendered chat body (``<p>alice 3</p>``)."""
    return body.removeprefix("<p>").removesuffix("</p>")


async def recorded(datadir: Path, bodies: Iterable[str], timeout: float = 15.0) -> None:
    """Until chat has committed a ``chat.message`` bus event (with its history row) for each text."""
    pending = set(bodies)
    with trio.fail_after(timeout):
        async with watch(datadir, "chat.message") as bus:
            async for event in bus:
                pending.discard(_text(event.data["body"]))
                if not pending:
                    return


async def history(base_url: str, user: dict[str, Any]) -> list[str]:
    """Chat history as the page loads it, as message texts."""
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{base_url}/api/chat", params={"accessToken": user["accessToken"]})
        response.raise_for_status()
        return [_text(event["body"]) for event in response.json() if event.get("type") == "CHAT"]


async def viewer(base_url: Callable[[], str], agent: str) -> None:
    """A player: fetch the playlist and ping once a second, retrying while serve is away."""
    async with httpx.AsyncClient(timeout=5, headers={"User-Agent": agent}) as http:
        while True:
            try:
                await http.get(f"{base_url()}/hls/stream.m3u8")
                await http.get(f"{base_url()}/api/ping")
            except httpx.TransportError:
                pass
            await trio.sleep(1.0)  # a player's polling rate
