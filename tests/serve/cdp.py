"""A small Chrome DevTools Protocol client over trio-websocket, for headless Debian chromium.

No browser download is possible here, so Playwright's bundled browsers are out; the protocol
itself is small: launch chromium with ``--remote-debugging-port=0``, read the port it chose,
open a page target, then send commands and read their results over its websocket.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import trio
from trio_websocket import ConnectionClosed, open_websocket_url

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--autoplay-policy=no-user-gesture-required", "--mute-audio", "--hide-scrollbars"]


class CdpError(Exception):
    pass


class Page:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._next = 0
        self._waiting: dict[int, trio.MemorySendChannel[dict[str, Any]]] = {}
        self.console: list[str] = []

    async def _reader(self) -> None:
        while True:
            try:
                message = json.loads(await self.ws.get_message())
            except ConnectionClosed:
                return
            if "id" in message and message["id"] in self._waiting:
                await self._waiting.pop(message["id"]).send(message)
            elif message.get("method") == "Runtime.consoleAPICalled":
                args = message["params"]["args"]
                self.console.append(" ".join(str(a.get("value", a.get("description", ""))) for a in args))
            elif message.get("method") == "Runtime.exceptionThrown":
                self.console.append("exception: " + json.dumps(message["params"]["exceptionDetails"])[:500])
            elif message.get("method") == "Log.entryAdded":  # only after Log.enable: failed loads, CSP
                entry = message["params"]["entry"]
                if entry.get("level") in ("error", "warning"):
                    self.console.append(f"log {entry['level']}: {entry.get('text', '')} {entry.get('url', '')}")

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self._next += 1
        send, recv = trio.open_memory_channel[dict[str, Any]](1)
        self._waiting[self._next] = send
        await self.ws.send_message(json.dumps({"id": self._next, "method": method, "params": params}))
        reply = await recv.receive()
        if "error" in reply:
            raise CdpError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=True)
        if "exceptionDetails" in result:
            raise CdpError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, condition: str, timeout: float = 20) -> Any:
        """Wait in the page until the JS ``condition`` is truthy (checked each animation frame)."""
        script = f"""new Promise((resolve, reject) => {{
            const limit = Date.now() + {int(timeout * 1000)};
            const check = () => {{
                let value; try {{ value = ({condition}); }} catch (e) {{ value = undefined; }}
                if (value) resolve(true);
                else if (Date.now() > limit) reject(new Error("timed out waiting for: " + {json.dumps(condition)}));
                else setTimeout(check, 50);
            }};
            check();
        }})"""
        with trio.fail_after(timeout + 5):
            return await self.evaluate(script)

    async def goto(self, url: str) -> None:
        await self.send("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete'")

    async def viewport(self, width: int, height: int) -> None:
        await self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                        deviceScaleFactor=1, mobile=width < 600)

    async def screenshot(self, path: Path) -> None:
        data = await self.send("Page.captureScreenshot", format="png")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data["data"]))


@asynccontextmanager
async def browser() -> AsyncIterator[Any]:
    """Yield a function that opens a new page; chromium and its profile are removed after."""
    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed: `make test` installs it (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="oc-chrome-")
    proc = await trio.lowlevel.open_process(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port = await _debug_port(proc)
        async with trio.open_nursery() as nursery:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

                @asynccontextmanager
                async def new_page() -> AsyncIterator[Page]:
                    target = (await http.put("/json/new?about:blank")).json()
                    async with open_websocket_url(target["webSocketDebuggerUrl"],
                                                  max_message_size=64 * 1024 * 1024) as ws:
                        page = Page(ws)
                        nursery.start_soon(page._reader)
                        await page.send("Page.enable")
                        await page.send("Runtime.enable")
                        try:
                            yield page
                        finally:
                            await http.get(f"/json/close/{target['id']}")

                yield new_page
                nursery.cancel_scope.cancel()
    finally:
        proc.terminate()
        with trio.move_on_after(5) as scope:
            await proc.wait()
        if scope.cancelled_caught:
            proc.kill()
            await proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


async def _debug_port(proc: trio.Process) -> int:
    seen = b""
    with trio.fail_after(30):
        while True:
            chunk = await proc.stderr.receive_some(4096)
            if not chunk:
                raise RuntimeError(f"chromium exited before listening: {seen.decode(errors='replace')}")
            seen += chunk
            match = re.search(rb"DevTools listening on ws://[^:]+:(\d+)/", seen)
            if match:
                # Keep draining stderr so chromium never blocks on a full pipe.
                trio.lowlevel.spawn_system_task(_drain, proc.stderr)
                return int(match.group(1))


async def _drain(stream: Any) -> None:
    try:
        while await stream.receive_some(65536):
            pass
    except (trio.ClosedResourceError, trio.BrokenResourceError):
        pass
