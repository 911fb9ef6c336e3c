"""ASGI wrapper: receive a request's whole body before the app can answer it.

hypercorn 0.18 (HTTP/1.1) recycles a keep-alive connection only when the request body was parsed
before the response ended; when an app answers without reading the body (a 401, a 404, an OPTIONS)
and the body's bytes arrive a moment after the head, the connection is dropped half-way and the
client's next request on it hangs (measured: 10 of 30 ``GET`` requests with a 2-byte body, then a
second request on the same connection, timed out; pgjones/hypercorn#314 is the same race). Reading
the body first makes the answer always come after it. Bodies above ``limit`` are not held: the app
gets what arrived and reads the rest itself (and refuses it with 413 and ``Connection: close``).
It lives outside serve/ so any daemon that serves HTTP through hypercorn can wrap its app in it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
ASGIApp = Callable[[dict[str, Any], Receive, Callable[[Message], Awaitable[None]]], Awaitable[None]]


def body_first(app: ASGIApp, limit: int) -> ASGIApp:
    """``app`` behind a wrapper that receives up to ``limit`` body bytes before calling it."""

    async def wrapped(scope: dict[str, Any], receive: Receive, send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        held: list[Message] = []
        size = 0
        while size <= limit:
            message = await receive()
            held.append(message)
            size += len(message.get("body", b""))
            if message["type"] != "http.request" or not message.get("more_body", False):
                break

        async def replay() -> Message:
            return held.pop(0) if held else await receive()

        await app(scope, replay, send)

    return wrapped
