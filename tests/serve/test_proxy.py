"""Paths of a daemon running as its own unit are proxied to its Unix socket, websockets included."""

from __future__ import annotations

import httpx
import pytest
import trio
from hypercorn.config import Config
from hypercorn.trio import serve as hypercorn_serve
from trio_websocket import ConnectionClosed, open_websocket_url

from tests.conftest import serving
from tests.serve.conftest import prepared_datadir, start_serve

pytestmark = pytest.mark.e2e


async def echo_app(scope, receive, send):
    """A tiny stand-in for the chat daemon's app: echoes HTTP requests and websocket messages."""
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    headers = {k.decode(): v.decode() for k, v in scope["headers"]}
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": f"hello {headers.get('x-forwarded-for')}"})
        while (message := await receive())["type"] == "websocket.receive":
            if message.get("text") == "bye":
                await send({"type": "websocket.close", "code": 4001})
                return
            await send({"type": "websocket.send", "text": "echo:" + (message.get("text") or "")})
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    reply = (f"{scope['method']} {scope['path']}?{scope['query_string'].decode()} "
             f"xff={headers.get('x-forwarded-for')} body={body.decode()}").encode()
    await send({"type": "http.response.start", "status": 201,
                "headers": [(b"content-type", b"text/plain"), (b"x-echo", b"1")]})
    await send({"type": "http.response.body", "body": reply})


@pytest.fixture
def serve_alone():
    datadir = prepared_datadir()
    with serving(start_serve(datadir)) as running:
        yield running


async def test_http_and_websocket_proxied_to_the_chat_socket(serve_alone):
    base = serve_alone.base_url
    sock = serve_alone.datadir / "run" / "chat.sock"
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        # Before the daemon runs, its routes say "try again", not "no such route".
        assert_unavailable(await client.get("/api/chat"))
        config = Config()
        config.bind = [f"unix:{sock}"]
        config.graceful_timeout = 0.5
        stop = trio.Event()
        with trio.fail_after(20):
            async with trio.open_nursery() as nursery:
                await nursery.start(lambda task_status: hypercorn_serve(
                    echo_app, config, shutdown_trigger=stop.wait, task_status=task_status))
                r = await client.post("/api/chat/register?x=1", content=b"name=alice")
                assert r.status_code == 201 and r.headers["x-echo"] == "1"
                assert r.text == "POST /api/chat/register?x=1 xff=127.0.0.1 body=name=alice"
                r = await client.get("/api/moderation/chat/users")
                assert r.status_code == 201 and r.text.startswith("GET /api/moderation/chat/users")
                # serve's own routes are not proxied
                assert (await client.get("/api/status")).status_code == 200

                ws_url = base.replace("http://", "ws://") + "/ws?accessToken=abc"
                async with open_websocket_url(ws_url) as ws:
                    assert await ws.get_message() == "hello 127.0.0.1"
                    await ws.send_message("ping")
                    assert await ws.get_message() == "echo:ping"
                    await ws.send_message("bye")
                    with pytest.raises(ConnectionClosed):
                        await ws.get_message()
                    assert ws.closed.code == 4001
                stop.set()
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        # The daemon stopped but its socket file is left (as after SIGKILL): nobody answers on it.
        assert sock.exists()
        assert_unavailable(await client.post("/api/chat/register", content=b"{}"))
        # The socket is gone too.
        sock.unlink()
        assert_unavailable(await client.get("/api/chat"))


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert response.json() == {"error": "the chat daemon is not running; start it with `owncast chat` (or run every daemon with `owncast run-all`), or try again shortly", "daemon": "chat"}
