"""Fixtures for the chat daemon tests: one run-all per module, chat run apart, config changes applied."""

from __future__ import annotations

import shutil
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from owncast_cli.bus.eventtype import BusEvent
from tests.conftest import OWNCAST, ROOT, RunningServer, fresh_datadir, owncast, serving, start_run_all


def chat_caught_up(datadir: Path, timeout: float = 5) -> None:
    """Wait until the chat daemon acknowledged every bus event published so far."""
    conn = sqlite3.connect(datadir / "owncast.db")
    try:
        # The daemon's durable subscription acknowledges only the types it handles.
        from owncast_cli.chat.reactions import BUS_TYPES

        names = [cls.TYPE for cls in BUS_TYPES]
        marks = ",".join("?" * len(names))
        last = conn.execute(f"SELECT MAX(id) FROM events WHERE type IN ({marks})", names).fetchone()[0] or 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = conn.execute("SELECT last_id FROM bus_cursors WHERE name = 'chat'").fetchone()
            if row and row[0] >= last:
                return
            time.sleep(0.02)
    finally:
        conn.close()
    raise AssertionError(f"chat did not handle bus events up to {last} in {timeout}s")


def set_config(server: RunningServer, key: str, value: str) -> None:
    owncast("config", "set", "--", key, value, datadir=server.datadir, check=True)
    chat_caught_up(server.datadir)


def publish(datadir: Path, event: BusEvent) -> None:
    """Publish a bus event as another daemon would (ingest's stream.started, ...)."""
    from owncast_cli.bus import log
    from owncast_cli.bus.push import push_sync
    from owncast_cli.db import open_database

    db = open_database(datadir / "owncast.db")
    try:
        events = db.write(lambda: log.append(db, [event], "test"))
        push_sync(datadir / "run", events)
    finally:
        db.close()


@pytest.fixture(scope="module")
def chat_server() -> Iterator[RunningServer]:
    """One run-all shared by a module's tests (each test restores the config it changes)."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


def start_chat(datadir: Path) -> subprocess.Popen[str]:
    """``owncast chat`` as its own process (as its systemd unit runs it), logging to chat.log."""
    log = (datadir / "chat.log").open("a")
    return subprocess.Popen([*OWNCAST, "chat", "--datadir", str(datadir)], stdout=log,
                            stderr=subprocess.STDOUT, text=True, cwd=ROOT)


def wait_chat_ready(datadir: Path, proc: subprocess.Popen[str], timeout: float = 20) -> None:
    """Until chat's socket accepts connections (a crashed daemon's stale socket file refuses them)."""
    path = str(datadir / "run" / "chat.sock")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, (datadir / "chat.log").read_text()
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(path)
                return
            except OSError:
                time.sleep(0.05)
    raise AssertionError(f"chat did not listen on {path} in {timeout}s")


@contextmanager
def chat_apart() -> Iterator[tuple[RunningServer, list[subprocess.Popen[str]]]]:
    """``run-all --without chat`` and ``owncast chat`` on one data directory; yields the server and
    a one-item list holding the chat process (a test that restarts chat replaces it)."""
    datadir = fresh_datadir()
    server = start_run_all(datadir, "--without", "chat")
    chat: list[subprocess.Popen[str]] = []
    try:
        server.wait_ready()  # run-all migrates; chat refuses an outdated schema
        chat.append(start_chat(datadir))
        wait_chat_ready(datadir, chat[0])
        yield server, chat
    finally:
        for proc in (*chat, server.proc):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (*chat, server.proc):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(datadir, ignore_errors=True)
