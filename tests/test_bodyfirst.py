"""body_first: the app starts only after the body arrived, and still sees every message in order."""

from __future__ import annotations

from typing import Any

import trio

from owncast_cli.bodyfirst import body_first


def _receiver(messages: list[dict[str, Any]], log: list[str]) -> Any:
    async def receive() -> dict[str, Any]:
        log.append("receive")
        await trio.lowlevel.checkpoint()
        return messages.pop(0)
    return receive


async def _run(limit: int, messages: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    log: list[str] = []
    seen: list[dict[str, Any]] = []
    expected = len(messages)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        log.append("app")
        while len(seen) < expected:
            seen.append(await receive())

    async def send(message: dict[str, Any]) -> None:
        pass

    with trio.fail_after(5):
        await body_first(app, limit)({"type": "http"}, _receiver(list(messages), log), send)
    return log, seen


def _chunks(*sizes: int) -> list[dict[str, Any]]:
    last = len(sizes) - 1
    return [{"type": "http.request", "body": b"x" * n, "more_body": i < last} for i, n in enumerate(sizes)]


async def test_the_whole_body_arrives_before_the_app_starts() -> None:
    messages = _chunks(10, 10, 0)
    log, seen = await _run(100, messages)
    assert log == ["receive", "receive", "receive", "app"]
    assert seen == messages


async def test_a_body_over_the_limit_is_handed_over_partly_read() -> None:
    messages = _chunks(60, 60, 60, 0)
    log, seen = await _run(100, messages)
    assert log[:3] == ["receive", "receive", "app"]  # 120 bytes held > 100: the app takes over
    assert seen == messages


async def test_websockets_pass_straight_through() -> None:
    called = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        called.append(scope["type"])

    async def never() -> dict[str, Any]:
        raise AssertionError("a websocket's messages are the app's to receive")

    await body_first(app, 10)({"type": "websocket"}, never, never)  # type: ignore[arg-type]
    assert called == ["websocket"]
