"""SIGKILL of chat run apart (issue 10 §4): a message whose broadcast reached its sender is in history.

Chat runs as its own process beside ``run-all --without chat`` on one data directory, as the
systemd units run it. Two clients send one message a second and reconnect by themselves; the test
kills chat the moment a client has seen its own message come back, restarts it, and reads history.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import trio
from trio_websocket import ConnectionClosed, HandshakeError

from tests.chat.conftest import chat_apart, start_chat, wait_chat_ready
from tests.chat.test_panel_browser import USER, message_with, type_and_send
from tests.chat.wsclient import chat_client, register
from tests.serve import cdp

KILLS = 3


@dataclass
class Sender:
    """One client: what it sent, and what came back to it (so it knows it was broadcast)."""

    name: str
    user: dict[str, Any]
    echoed: list[str] = field(default_factory=list)
    reconnects: int = 0
    echo: trio.Event = field(default_factory=trio.Event)

    async def run(self, base_url: str) -> None:
        n = 0
        while True:
            try:
                async with chat_client(base_url, user=self.user) as client:
                    self.reconnects += 1
                    while True:
                        n += 1
                        body = f"{self.name} {n}"
                        await client.chat(body)
                        while (await client.next("CHAT"))["body"] != f"<p>{body}</p>":
                            pass  # the other sender's message
                        self.echoed.append(body)
                        self.echo.set()
                        await trio.sleep(1)
            except (ConnectionClosed, HandshakeError, OSError, trio.TooSlowError):
                await trio.sleep(0.2)  # chat is down: try again, as a client would


async def history(base_url: str, token: str) -> list[str]:
    async with httpx.AsyncClient(timeout=10) as http:
        response = await http.get(f"{base_url}/api/chat", params={"accessToken": token})
        response.raise_for_status()
        return [m["body"] for m in response.json() if m["type"] == "CHAT"]


async def test_every_message_a_sender_saw_broadcast_survives_sigkill() -> None:
    with chat_apart() as (server, chat):
        base = server.base_url
        senders = [Sender(name, await register(base, name)) for name in ("alice", "bob")]
        with trio.fail_after(120):
            async with trio.open_nursery() as nursery:
                for sender in senders:
                    nursery.start_soon(sender.run, base)
                for kill in range(KILLS):
                    await trio.sleep(1.5)
                    sender = senders[kill % 2]
                    sender.echo = trio.Event()
                    await sender.echo.wait()
                    os.kill(chat[0].pid, signal.SIGKILL)  # right after a broadcast reached its sender
                    assert await trio.to_thread.run_sync(chat[0].wait) == -signal.SIGKILL
                    chat[0] = start_chat(server.datadir)
                    await trio.to_thread.run_sync(wait_chat_ready, server.datadir, chat[0])
                before = [len(s.echoed) for s in senders]
                with trio.fail_after(15):  # both reconnected and were heard again
                    while any(len(s.echoed) < b + 2 for s, b in zip(senders, before, strict=True)):
                        await trio.sleep(0.1)
                nursery.cancel_scope.cancel()
            stored = await history(base, senders[0].user["accessToken"])
        echoed = [f"<p>{body}</p>" for s in senders for body in s.echoed]
        assert len(echoed) >= 2 * KILLS + 4 and len(echoed) < 50  # all within the history page
        missing = sorted(set(echoed) - set(stored))
        assert not missing, f"{len(missing)} of {len(echoed)} broadcast messages lost: {missing}"
        assert all(s.reconnects >= 2 for s in senders)


@pytest.mark.e2e
@pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")
async def test_the_web_chat_reconnects_by_itself_after_sigkill() -> None:
    with chat_apart() as (server, chat):
        async with cdp.browser() as new_page:
            async with new_page() as page:
                await page.goto(server.base_url + "/embed/chat/readwrite")
                await page.wait_for(USER)
                await page.wait_for("document.getElementById('chat').__owncastChat.ws?.readyState === 1")
                await type_and_send(page, "before the kill")
                await page.wait_for(message_with("before the kill"))
                os.kill(chat[0].pid, signal.SIGKILL)
                await trio.to_thread.run_sync(chat[0].wait)
                await page.wait_for("document.getElementById('chat').__owncastChat.ws === null")
                chat[0] = start_chat(server.datadir)
                await trio.to_thread.run_sync(wait_chat_ready, server.datadir, chat[0])
                # The panel's backoff is 1, 2, 4 s: it is back well within the wait.
                await page.wait_for("document.getElementById('chat').__owncastChat.ws?.readyState === 1")
                await type_and_send(page, "after the restart")
                await page.wait_for(message_with("after the restart"))
                assert await page.evaluate(f"!!{message_with('before the kill')}")
                errors = [line for line in page.console if line.startswith("exception")]
                assert not errors, errors
