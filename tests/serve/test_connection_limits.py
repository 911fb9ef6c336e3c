"""The front door's connections are bounded: idle ones close, caps answer at once, clients starve no one.

Real servers as subprocesses and real sockets. Many connections come from several loopback
addresses (127.0.x.y all reach 127.0.0.1 on Linux), as a crowd behind several addresses would.
"""

from __future__ import annotations

import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import (
    ROOT,
    RunningServer,
    fresh_datadir,
    owncast,
    serving,
    start_run_all,
)
from tests.serve.conftest import start_serve

pytestmark = pytest.mark.e2e

IDLE_TIMEOUT = 2.0
PER_ADDRESS = 20


def configured(**values: object) -> Path:
    datadir = fresh_datadir()
    owncast("migrate", datadir=datadir, check=True)
    for key, value in values.items():
        owncast("config", "set", key, str(value), datadir=datadir, check=True)
    return datadir


@pytest.fixture(scope="module")
def tight() -> Iterator[RunningServer]:
    """serve with a short idle timeout and a small per-address cap. Only 127.0.0.1 is a trusted proxy
    here (loopback, 127.0.0.0/8, is by default): the other 127.0.x.y play clients elsewhere."""
    datadir = configured(http_idle_timeout_seconds=IDLE_TIMEOUT, http_max_connections_per_address=PER_ADDRESS,
                         trusted_proxies='["127.0.0.1", "::1"]')
    with serving(start_serve(datadir)) as running:
        yield running


def address(base_url: str) -> tuple[str, int]:
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def connect(server: tuple[str, int], source: str = "127.0.0.1", data: bytes = b"") -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect(server)
    if data:
        sock.sendall(data)
    return sock


def read_response(sock: socket.socket) -> bytes:
    """One response with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def closed_after(sock: socket.socket, limit: float) -> float:
    """Seconds until the server closed ``sock`` (anything sent first is read and dropped)."""
    began = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    except TimeoutError:
        raise AssertionError(f"still open after {limit}s") from None
    return time.monotonic() - began


STATUS = b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n"


def test_idle_connections_are_closed_after_the_idle_timeout(tight: RunningServer) -> None:
    server = address(tight.base_url)
    waiting = {
        "nothing sent": connect(server),
        "after an API response (hypercorn)": connect(server, data=STATUS),
        "after an HLS response (fast lane)": connect(server, data=b"GET /hls/0/none.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n"),
        "half a request head": connect(server, data=b"GET /api/status HTTP/1.1\r\nHost: x\r\n"),
    }
    began = time.monotonic()
    for name, sock in waiting.items():
        with sock:
            assert closed_after(sock, 10) >= 0, name
    elapsed = time.monotonic() - began
    assert IDLE_TIMEOUT - 0.5 <= elapsed <= IDLE_TIMEOUT + 3, elapsed


@pytest.mark.parametrize("request_bytes", [
    b"GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/status HTTP/1.0\r\n\r\n",
    b"GET /hls/0/none.m3u8 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/chat HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
], ids=["api", "api-http10", "hls-fast-lane", "daemon-down-503"])
def test_connection_close_closes_the_socket(tight: RunningServer, request_bytes: bytes) -> None:
    with connect(address(tight.base_url), data=request_bytes) as sock:
        response = read_response(sock)
        assert response.startswith(b"HTTP/1.1 ")
        assert closed_after(sock, 1) < 1


def test_per_address_cap_answers_at_once(tight: RunningServer) -> None:
    server = address(tight.base_url)
    held = [connect(server, "127.0.5.1") for _ in range(PER_ADDRESS)]
    try:
        began = time.monotonic()
        with connect(server, "127.0.5.1", STATUS) as over:
            response = read_response(over)
            assert closed_after(over, 1) < 1
        assert time.monotonic() - began < 1
        head, _, body = response.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 503 ") and b"\r\nRetry-After: 2\r\n" in head
        assert body == b'{"error": "too many connections from your address"}'
        # Another address is not affected, and a freed slot is usable again.
        with connect(server, "127.0.5.2", STATUS) as other:
            assert read_response(other).startswith(b"HTTP/1.1 200 ")
        held.pop().close()
        deadline = time.monotonic() + 5
        while True:
            with connect(server, "127.0.5.1", STATUS) as again:
                if read_response(again).startswith(b"HTTP/1.1 200 "):
                    break
            assert time.monotonic() < deadline, "the freed slot was not released"
            time.sleep(0.05)
    finally:
        for sock in held:
            sock.close()


def test_a_client_that_closes_a_kept_alive_connection_frees_its_slot(tight: RunningServer) -> None:
    """A closed keep-alive connection leaves the count at once, not after the idle timeout."""
    server = address(tight.base_url)
    began = time.monotonic()
    for _ in range(3 * PER_ADDRESS):
        with connect(server, "127.0.6.1", STATUS) as sock:
            assert read_response(sock).startswith(b"HTTP/1.1 200 ")
            # Close once the server is idle on the connection (its keep-alive timer running):
            # nothing to wait for is visible from here, so give it a moment. Before the fix the
            # socket stayed in CLOSE-WAIT for the idle timeout and the cap refused the rest.
            time.sleep(0.02)
    assert time.monotonic() - began < IDLE_TIMEOUT * 3


def spread(count: int, network: str, per_address: int) -> list[str]:
    """Source addresses for ``count`` connections, at most ``per_address`` from each."""
    return [f"{network}.{1 + i // per_address}" for i in range(count)]


def test_idle_and_slowloris_clients_do_not_starve_a_normal_client() -> None:
    """1,000 idle keep-alive connections and 200 slowloris ones, under the default limits."""
    datadir = configured()
    with serving(start_serve(datadir)) as running:
        server = address(running.base_url)
        idle: list[socket.socket] = []
        slow: list[socket.socket] = []
        stop = threading.Event()
        try:
            for i, source in enumerate(spread(1000, "127.0.6", 200)):
                # Half have made a request and wait for the next; half never sent anything.
                sock = connect(server, source, STATUS if i % 2 else b"")
                if i % 2:
                    read_response(sock)
                idle.append(sock)
            slow = [connect(server, source) for source in spread(200, "127.0.7", 100)]
            head = b"GET /api/status HTTP/1.1\r\nHost: x\r\nUser-Agent: " + b"s" * 4096

            def dribble() -> None:  # one byte per connection per round, rounds 50 ms apart
                for index in range(len(head)):
                    for sock in slow:
                        try:
                            sock.send(head[index:index + 1])
                        except OSError:
                            pass
                    if stop.wait(0.05):
                        return

            dribbler = threading.Thread(target=dribble, daemon=True)
            dribbler.start()
            with httpx.Client(base_url=running.base_url, timeout=5) as client:
                for _ in range(10):
                    began = time.monotonic()
                    assert client.get("/api/status", headers={"Connection": "close"}).status_code == 200
                    assert time.monotonic() - began < 1
            stop.set()
            dribbler.join(5)
            # Everyone was held, none refused: they were within the default caps.
            assert all(sock.fileno() >= 0 for sock in idle + slow)
        finally:
            stop.set()
            for sock in idle + slow:
                sock.close()


def rtmp_handshake(port: int) -> bytes:
    """C0+C1 to ingest; the first bytes of its S0+S1."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"\x03" + bytes(1536))
        data = b""
        while len(data) < 1537:
            chunk = sock.recv(65536)
            assert chunk
            data += chunk
        return data[:1]


def test_descriptors_in_reserve_keep_ingest_and_local_admin_reachable() -> None:
    """run-all with only 600 descriptors: a flood of HTTP connections is refused at its cap, below
    the limit, so RTMP still accepts, the admin API answers on run/serve.sock and the log does not
    fill with EMFILE."""
    datadir = fresh_datadir()
    log = datadir / "run-all.log"

    # The limit is set by the child itself before it becomes owncast (preexec_fn is unsafe with
    # threads in the test process).
    low_limit = ("import os, resource, sys; resource.setrlimit(resource.RLIMIT_NOFILE, (600, 600)); "
                 "os.execv(sys.executable, [sys.executable, '-m', 'owncast_cli', *sys.argv[1:]])")
    proc = subprocess.Popen([sys.executable, "-c", low_limit, "run-all", "--datadir", str(datadir),
                             "--webserverip", "127.0.0.1", "--webserverport", "0", "--rtmpport", "0"],
                            stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    running = RunningServer(proc, datadir, log, time.time())
    flood: list[socket.socket] = []
    try:
        running.wait_ready()
        assert "at most 300 connections" in log.read_text()  # 600 minus half of it kept back
        server = address(running.base_url)
        refused = 0
        for source in spread(500, "127.0.8", 100):
            sock = connect(server, source)
            flood.append(sock)
        for sock in flood[300:]:
            sock.settimeout(2)
            assert sock.recv(65536).startswith(b"HTTP/1.1 503 "), "over the cap: a quick 503"
            refused += 1
        assert refused == 200
        assert rtmp_handshake(running.rtmp_port) == b"\x03"
        unix = httpx.HTTPTransport(uds=str(datadir / "run" / "serve.sock"))
        with httpx.Client(transport=unix, base_url="http://owncast", auth=("admin", "abc123"), timeout=5) as admin:
            assert admin.get("/api/admin/status").status_code == 200
        for sock in flood:
            sock.close()
        flood.clear()
        deadline = time.monotonic() + 5
        while httpx.get(f"{running.base_url}/api/status", timeout=5).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        text = log.read_text()
        assert "EMFILE" not in text and "Too many open files" not in text, text[-3000:]
        assert running.stop() == 0
    finally:
        for sock in flood:
            sock.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(datadir, ignore_errors=True)


def test_sigterm_with_many_open_connections_exits_within_5s() -> None:
    """10,000 connections when the open-file limit allows (the test raises its soft limit to the
    hard one first): 45% idle, 45% with half a request head, 10% keep-alive after a response."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = min(10_000, hard - 500)
    assert count >= 2_000, f"open-file limit {hard} is too low for this test"
    datadir = fresh_datadir()
    running = start_run_all(datadir)
    held: list[socket.socket] = []
    try:
        running.wait_ready()
        server = address(running.base_url)
        for i, source in enumerate(spread(count, "127.0.9", 250)):
            kind = "response" if i % 10 == 0 else "half head" if i % 2 else "idle"
            sock = connect(server, source, {"idle": b"", "half head": b"GET /api/status HTTP/1.1\r\nHost: x\r\n",
                                            "response": STATUS}[kind])
            if kind == "response":
                read_response(sock)
            held.append(sock)
        assert httpx.get(f"{running.base_url}/api/status", timeout=5).status_code == 200
        began = time.monotonic()
        running.proc.send_signal(signal.SIGTERM)
        assert running.proc.wait(15) == 0
        assert time.monotonic() - began < 5, (time.monotonic() - began, log_tail(running))
    finally:
        for sock in held:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait()
        shutil.rmtree(datadir, ignore_errors=True)


def log_tail(running: RunningServer) -> str:
    return running.log.read_text()[-2000:]
