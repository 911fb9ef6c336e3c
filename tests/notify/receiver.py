"""A real HTTP receiver for the notify tests (trio + h11 on 127.0.0.1:0), and its own HMAC check."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import h11
import trio


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    #: The status this receiver answered (0 while it holds the request).
    status: int = 0
    at: float = field(default_factory=time.time)

    def json(self) -> Any:
        return json.loads(self.body)


def check_signature(secret: str, body: bytes, header: str, *, now: float, tolerance: float = 300) -> bool:
    """Owncast's documented check, written again here: ``t=<unix>.s=<hex hmac of "<t>." + body>``."""
    parts = {}
    for part in header.split("."):
        key, sep, value = part.partition("=")
        if sep:
            parts[key.strip()] = value.strip()
    if "t" not in parts or "s" not in parts or abs(now - int(parts["t"])) > tolerance:
        return False
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["s"])


class Receiver:
    """Answers every request with ``answer(request)``: a status, a ``(status, body)`` pair, or an
    awaitable of either (to hold a request); keeps every request in ``requests``."""

    def __init__(self, answer: Callable[[Received], Any] | None = None) -> None:
        self.answer = answer or (lambda request: 200)
        self.requests: list[Received] = []
        self.port = 0
        self._changed = trio.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def serve(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
        self.port = listeners[0].socket.getsockname()[1]
        task_status.started()
        await trio.serve_listeners(self._connection, listeners)

    async def wait_for(self, predicate: Callable[[list[Received]], bool], timeout: float = 20) -> None:
        with trio.fail_after(timeout):
            while not predicate(self.requests):
                changed = self._changed
                await changed.wait()

    def _note(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

    async def _connection(self, stream: trio.SocketStream) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request, body = await self._read(stream, conn)
                if request is None:
                    return
                got = Received(request.method.decode(), request.target.decode(),
                               {k.decode().lower(): v.decode() for k, v in request.headers}, body)
                self.requests.append(got)
                self._note()
                status = self.answer(got)
                if not isinstance(status, (int, tuple)):
                    status = await status
                status, payload = status if isinstance(status, tuple) else (status, b'{"ok":true}')
                got.status = status
                if status in (204, 304):
                    payload = b""
                await stream.send_all(conn.send(h11.Response(status_code=status, headers=[
                    ("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])))
                await stream.send_all(conn.send(h11.Data(data=payload)) + conn.send(h11.EndOfMessage()))
                self._note()
                if conn.our_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except (trio.BrokenResourceError, h11.RemoteProtocolError, trio.ClosedResourceError):
            return
        finally:
            await stream.aclose()

    @staticmethod
    async def _read(stream: trio.SocketStream, conn: h11.Connection) -> tuple[h11.Request | None, bytes]:
        request, body = None, b""
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = await stream.receive_some(65536)
                conn.receive_data(data)
                if not data and request is None:
                    return None, b""
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return request, body
            elif isinstance(event, h11.ConnectionClosed):
                return None, b""
