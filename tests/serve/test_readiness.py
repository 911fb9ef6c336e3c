"""Readiness tells the truth: no 404 while starting, 503 + Retry-After while a daemon is down."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.conftest import OWNCAST, ROOT, fresh_datadir, owncast, start_run_all
from tests.serve.conftest import start_serve

pytestmark = pytest.mark.e2e

UNAVAILABLE = {"error": "the chat daemon is not running; start it with `owncast chat` (or run every daemon with `owncast run-all`), or try again shortly", "daemon": "chat"}
WS_HEADERS = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
              "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_run_all_never_answers_404_while_starting() -> None:
    """Hammer /api/status and POST /api/chat/register from the moment run-all starts: before
    serve started last, the chat route answered 404 for about 300 ms after /api/status answered."""
    datadir = fresh_datadir()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([*OWNCAST, "run-all", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
                             "--webserverport", str(port), "--rtmpport", "0"],
                            stdout=(datadir / "log").open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    seen: Counter[tuple[str, int]] = Counter()
    first_ok = None
    try:
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=base, timeout=5) as client:
            # Until both routes have answered 200 for two seconds after the first 200: the window
            # this test is for was about 300 ms long.
            while first_ok is None or time.monotonic() - first_ok < 2:
                assert time.monotonic() < deadline, (seen, (datadir / "log").read_text())
                assert proc.poll() is None, (datadir / "log").read_text()
                for method, path in (("GET", "/api/status"), ("POST", "/api/chat/register")):
                    try:
                        status = client.request(method, path, json={} if method == "POST" else None,
                                                headers={"Connection": "close"}).status_code
                    except httpx.TransportError:
                        continue  # not listening yet: a closed door, not a wrong answer
                    seen[(path, status)] += 1
                    if status == 200 and first_ok is None and path == "/api/status":
                        first_ok = time.monotonic()
        # The port opens only once chat has mounted its routes: not even a 503 while starting.
        assert {status for _, status in seen} == {200}, seen
        assert seen[("/api/status", 200)] > 10 and seen[("/api/chat/register", 200)] > 10, seen
    finally:
        stop(proc)
        shutil.rmtree(datadir, ignore_errors=True)


def _assert_unavailable(client: httpx.Client) -> None:
    started = time.monotonic()
    response = client.post("/api/chat/register", json={})
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    assert response.json() == UNAVAILABLE
    assert time.monotonic() - started < 1
    # The websocket handshake on chat's path gets the same answer instead of an upgrade.
    upgrade = client.get("/ws", headers=WS_HEADERS)
    assert upgrade.status_code == 503 and upgrade.headers["retry-after"] == "2"
    assert upgrade.json() == UNAVAILABLE
    # serve's own routes are unaffected.
    assert client.get("/api/status").status_code == 200


def _start_chat(datadir: Path, client: httpx.Client) -> subprocess.Popen[str]:
    chat = subprocess.Popen([*OWNCAST, "chat", "--datadir", str(datadir)], stdout=(datadir / "chat.log").open("a"),
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    deadline = time.monotonic() + 20
    while True:
        assert chat.poll() is None, (datadir / "chat.log").read_text()
        assert time.monotonic() < deadline, (datadir / "chat.log").read_text()
        response = client.post("/api/chat/register", json={})
        if response.status_code == 200:
            assert response.json()["accessToken"]
            return chat
        assert response.status_code == 503, response.text  # starting: never 404
        time.sleep(0.05)


def test_chat_apart_killed_or_stopped_answers_503_then_recovers() -> None:
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    serve = start_serve(datadir)
    chat: subprocess.Popen[str] | None = None
    try:
        serve.wait_ready()
        sock = datadir / "run" / "chat.sock"
        with httpx.Client(base_url=serve.base_url, timeout=5) as client:
            _assert_unavailable(client)  # chat not started yet: no socket
            chat = _start_chat(datadir, client)
            chat.kill()  # SIGKILL: its socket file stays behind, nobody listens on it
            chat.wait(10)
            assert sock.exists()
            _assert_unavailable(client)
            chat = _start_chat(datadir, client)  # replaces the stale socket
            stop(chat)  # SIGTERM: chat removes its socket
            assert not sock.exists()
            _assert_unavailable(client)
    finally:
        if chat is not None:
            stop(chat)
        stop(serve.proc)
        shutil.rmtree(datadir, ignore_errors=True)


def test_systemd_ready_means_every_route_answers() -> None:
    datadir = fresh_datadir()
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(datadir / "notify.sock"))
    notify.settimeout(30)
    port = free_port()
    env = dict(os.environ, NOTIFY_SOCKET=str(datadir / "notify.sock"))
    proc = subprocess.Popen([*OWNCAST, "run-all", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
                             "--webserverport", str(port), "--rtmpport", "0"], env=env, cwd=ROOT,
                            stdout=(datadir / "log").open("w"), stderr=subprocess.STDOUT, text=True)
    try:
        assert notify.recv(256) == b"READY=1"
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            assert client.post("/api/chat/register", json={}).status_code == 200
            assert client.get("/api/status").status_code == 200
    finally:
        notify.close()
        stop(proc)
        shutil.rmtree(datadir, ignore_errors=True)


#: A plugin daemon standing in for chat in run-all's process (run with ``--without chat``): it
#: mounts an app on chat's paths, and crashes when the test asks, so the supervisor restarts it.
STAND_IN_CHAT = '''
import trio
from owncast_cli.daemons.registry import DaemonSpec
from owncast_cli.plugins import hookimpl

async def app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": b'{"accessToken": "stand-in"}'})

async def serve(ctx, *, task_status=trio.TASK_STATUS_IGNORED):
    crash = ctx.settings.datadir / "crash-chat"
    ctx.http_apps["chat"] = app
    try:
        task_status.started()
        while not ctx.stopping.is_set():
            if crash.exists():
                crash.unlink()
                raise RuntimeError("the stand-in chat crashes when asked")
            with trio.move_on_after(0.02):
                await ctx.stopping.wait()
    finally:
        ctx.http_apps.pop("chat", None)

@hookimpl
def owncast_daemons():
    return [DaemonSpec("chat", __name__ + ":serve", "chat's stand-in")]
'''


def test_in_process_crash_answers_503_until_restarted() -> None:
    datadir = fresh_datadir()
    plugins = datadir / "plugins"
    plugins.mkdir()
    (plugins / "stand_in_chat.py").write_text(STAND_IN_CHAT)
    running = start_run_all(datadir, "--without", "chat", "--without", "transcode", "--plugins-dir", str(plugins))
    try:
        running.wait_ready()
        seen: Counter[int] = Counter()
        with httpx.Client(base_url=running.base_url, timeout=5) as client:
            assert client.post("/api/chat/register", json={}).json() == {"accessToken": "stand-in"}
            (datadir / "crash-chat").touch()
            deadline = time.monotonic() + 20
            while not (seen[503] and seen[200]):  # down, then back after the backoff (0.5 s)
                assert time.monotonic() < deadline, (seen, running.log.read_text()[-3000:])
                response = client.post("/api/chat/register", json={})
                if response.status_code == 503:
                    assert response.headers["retry-after"] == "2" and response.json() == UNAVAILABLE
                    seen[503] += 1
                elif seen[503]:
                    seen[response.status_code] += 1
        assert set(seen) == {200, 503}, seen
        assert "chat crashed" in running.log.read_text()
    finally:
        stop(running.proc)
        shutil.rmtree(datadir, ignore_errors=True)


def test_pipelining_after_a_refused_upgrade_neither_stops_serve_nor_floods_the_log() -> None:
    """hypercorn raised out of such a connection, which stopped the whole daemon, and logged a
    traceback for each."""
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    serve = start_serve(datadir)
    try:
        serve.wait_ready()
        host, port = serve.base_url.removeprefix("http://").rsplit(":", 1)
        upgrade = "".join(f"{k}: {v}\r\n" for k, v in WS_HEADERS.items())
        for _ in range(5):
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sock.sendall(f"GET /ws HTTP/1.1\r\nHost: x\r\n{upgrade}\r\nGET /api/status HTTP/1.1\r\nHost: x\r\n\r\n"
                             .encode())
                assert sock.recv(65536).startswith(b"HTTP/1.1 ")
        with httpx.Client(base_url=serve.base_url, timeout=5) as client:
            assert client.get("/api/status").status_code == 200
        log = serve.log.read_text()
        assert "serve crashed" not in log
        assert log.count("Error in ASGI Framework") <= 1 and log.count("an HTTP connection failed") <= 1
    finally:
        stop(serve.proc)
        shutil.rmtree(datadir, ignore_errors=True)
