"""The chat panel in headless chromium: two pages chat through it; moderation and read-only embed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunningServer, owncast, start_run_all
from tests.serve import cdp

pytestmark = [pytest.mark.e2e,
              pytest.mark.skipif(cdp.CHROMIUM is None, reason="needs chromium (make test installs it)")]

USER = "document.getElementById('chat').__owncastChat.user"


@pytest.fixture
def site(datadir: Path) -> Iterator[RunningServer]:
    running = start_run_all(datadir)
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


async def type_and_send(page: cdp.Page, text: str) -> None:
    await page.evaluate(f"""(() => {{
        const input = document.querySelector('#chat .chat-input');
        input.value = {json.dumps(text)};
        document.querySelector('#chat .chat-send').click();
    }})()""")


def message_with(text: str) -> str:
    return (f"[...document.querySelectorAll('#chat .chat-message')]"
            f".find(m => m.textContent.includes({json.dumps(text)}))")


async def test_two_pages_chat_through_the_panel(site: RunningServer) -> None:
    async with cdp.browser() as new_page:
        async with new_page() as alice, new_page() as bob:
            # Two origins (127.0.0.1 and localhost): two localStorages, so two chat users.
            await alice.goto(site.base_url + "/")
            await bob.goto(site.base_url.replace("127.0.0.1", "localhost") + "/")
            await alice.wait_for(USER)
            await bob.wait_for(USER)
            assert await alice.evaluate(f"{USER}.id") != await bob.evaluate(f"{USER}.id")
            # Name change from the panel's settings form.
            await alice.evaluate("""(() => {
                document.querySelector('#chat .chat-settings-button').click();
                document.querySelector('#chat .chat-name-input').value = 'Alice';
                document.querySelector('#chat .chat-name-save').click();
            })()""")
            await alice.wait_for(f"{USER}.displayName === 'Alice'")
            await bob.wait_for("document.querySelector('#chat .chat-rename')?.textContent.includes('Alice')")
            await alice.evaluate("new Promise(r => setTimeout(r, 700))")  # Owncast's flood limiter
            await alice.evaluate("document.querySelector('#chat .chat-colour[data-color=\"6\"]').click()")
            await alice.wait_for(f"{USER}.displayColor === 6")

            await alice.evaluate("new Promise(r => setTimeout(r, 700))")
            await type_and_send(alice, "hello **bob** <img src=x onerror=alert(1)>")
            await bob.wait_for(message_with("hello bob"))
            found = await bob.evaluate(f"{message_with('hello bob')}.innerHTML")
            assert "<strong>bob</strong>" in found and "onerror" not in found
            assert await bob.evaluate(f"{message_with('hello bob')}.querySelector('.chat-name').className") \
                == "chat-name chat-user-color-6"
            await type_and_send(bob, "hi Alice")
            await alice.wait_for(message_with("hi Alice"))

            # Moderation from the panel: Alice becomes a moderator and hides Bob's message.
            alice_id = await alice.evaluate(f"{USER}.id")
            owncast("chat", "mod", alice_id, datadir=site.datadir, check=True)
            await alice.wait_for("document.getElementById('chat').classList.contains('chat-moderator')")
            await bob.evaluate("new Promise(r => setTimeout(r, 700))")
            await type_and_send(bob, "spam spam")
            await alice.wait_for(message_with("spam spam"))
            await alice.evaluate(f"{message_with('spam spam')}.querySelector('.chat-mod-hide').click()")
            await bob.wait_for(f"!{message_with('spam spam')}")
            await alice.wait_for(f"{message_with('spam spam')}.classList.contains('chat-hidden')")

            # The read-only embed shows the chat with no way to write.
            async with new_page() as overlay:
                await overlay.goto(site.base_url + "/embed/chat/readonly")
                await overlay.wait_for(message_with("hi Alice"))
                assert await overlay.evaluate("document.querySelector('#chat .chat-input') === null")
            errors = [line for page in (alice, bob) for line in page.console if line.startswith("exception")]
            assert not errors, errors


async def test_follow_scroll_pauses_while_reading_and_reconnects(site: RunningServer) -> None:
    owncast("config", "set", "chat_spam_protection_enabled", "false", datadir=site.datadir, check=True)
    async with cdp.browser() as new_page:
        async with new_page() as reader:
            await reader.viewport(400, 500)
            await reader.goto(site.base_url + "/embed/chat/readwrite")
            await reader.wait_for(USER)
            for i in range(40):
                owncast_line = f"line {i}"
                await type_and_send(reader, owncast_line)
                await reader.wait_for(message_with(owncast_line))
            at_bottom = ("(l => l.scrollHeight - l.scrollTop - l.clientHeight <= 40)"
                         "(document.querySelector('#chat .chat-messages'))")
            await reader.wait_for(at_bottom)
            # The reader scrolls up: new messages must not pull the view down.
            await reader.evaluate("""(() => { const l = document.querySelector('#chat .chat-messages');
                l.scrollTop = 0; l.dispatchEvent(new Event('scroll')); })()""")
            # Someone else writes (sending your own message does jump to the end).
            owncast("chat", "send", "while reading", datadir=site.datadir, check=True)
            await reader.wait_for(message_with("while reading"))
            assert await reader.evaluate("document.querySelector('#chat .chat-messages').scrollTop") == 0
            assert await reader.evaluate("!document.querySelector('#chat .chat-jump').hidden")
            await reader.evaluate("document.querySelector('#chat .chat-jump').click()")
            await reader.wait_for(at_bottom)

            # A network drop: the panel reconnects by itself and chat works again.
            await reader.evaluate("document.getElementById('chat').__owncastChat.ws.close()")
            await reader.wait_for("document.getElementById('chat').__owncastChat.ws?.readyState === 1")
            await type_and_send(reader, "after reconnect")
            await reader.wait_for(message_with("after reconnect"))
