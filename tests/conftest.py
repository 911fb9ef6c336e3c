"""Shared fixtures: short temp data directories, the CLI as a subprocess, a running run-all."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OWNCAST = [sys.executable, "-m", "owncast_cli"]


@pytest.fixture
def datadir() -> Iterator[Path]:
    """A data directory under a short path: Unix sockets live in it (108-byte limit)."""
    path = Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db() -> Iterator[Path]:
    """One migrated database file per run; tests copy it (migrating each time cost minutes)."""
    from owncast_cli.daemons.runner import prepare_database
    from owncast_cli.settings import Settings

    path = Path(tempfile.mkdtemp(prefix="otd-", dir="/tmp"))
    prepare_database(Settings(datadir=path), migrate=True).close()
    yield path / "owncast.db"
    shutil.rmtree(path, ignore_errors=True)


def owncast(*args: str, datadir: Path | None = None, timeout: float = 30, input: str | None = None,
            check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, time-boxed."""
    env = dict(os.environ)
    if datadir is not None:
        env["OWNCAST_DATADIR"] = str(datadir)
    result = subprocess.run([*OWNCAST, *args], capture_output=True, text=True, timeout=timeout,
                            env=env, input=input, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"owncast {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


@pytest.fixture
def migrated(datadir: Path) -> Path:
    owncast("migrate", datadir=datadir, check=True)
    return datadir


class RunningServer:
    def __init__(self, proc: subprocess.Popen[str], datadir: Path, log: Path, started: float) -> None:
        self.proc, self.datadir, self.log, self.started = proc, datadir, log, started
        self.base_url = ""

    def status(self) -> dict:
        return json.loads(owncast("status", "--json", datadir=self.datadir, check=True).stdout)

    def wait_ready(self, timeout: float = 20) -> None:
        """Poll until this run published ``daemons.ready`` (every daemon bound), then read serve's URL."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"run-all exited {self.proc.returncode}:\n{self.log.read_text()}")
            db = self.datadir / "owncast.db"
            if db.exists():
                import sqlite3

                try:
                    conn = sqlite3.connect(db)
                    ready = conn.execute(
                        "SELECT 1 FROM events WHERE type = 'daemons.ready' AND ts >= ?", (self.started,)
                    ).fetchall()
                    rows = conn.execute(
                        "SELECT detail FROM daemons WHERE name='serve' AND state='running'"
                    ).fetchall() if ready else []
                    conn.close()
                except sqlite3.OperationalError:
                    rows = []
                if rows and rows[0][0].startswith("http://"):
                    self.base_url = rows[0][0].split(",")[0]
                    return
            time.sleep(0.05)
        raise AssertionError(f"run-all not ready in {timeout}s:\n{self.log.read_text()}")

    def detail(self, daemon: str) -> str:
        """What a daemon reported when it bound (its addresses)."""
        return {d["name"]: d["detail"] for d in self.status()["daemons"]}[daemon]

    @property
    def rtmp_port(self) -> int:
        return int(self.detail("ingest").split(",")[0].rsplit(":", 1)[1])

    def stop(self, timeout: float = 5) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise
        return self.proc.returncode


def start_run_all(datadir: Path, *extra: str) -> RunningServer:
    log = datadir / "run-all.log"
    started = time.time()
    proc = subprocess.Popen(
        [*OWNCAST, "run-all", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
         "--webserverport", "0", "--rtmpport", "0", *extra],
        stdout=log.open("w"), stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )
    return RunningServer(proc, datadir, log, started)


@pytest.fixture
def server(datadir: Path) -> Iterator[RunningServer]:
    running = start_run_all(datadir)
    try:
        running.wait_ready()
        yield running
    finally:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait()


def fresh_datadir() -> Path:
    """A data directory for a server shared by a module's tests (short path, like ``datadir``)."""
    return Path(tempfile.mkdtemp(prefix="oc-", dir="/tmp"))


@contextmanager
def serving(running: RunningServer, *, remove_datadir: bool = True) -> Iterator[RunningServer]:
    """Wait until ``running`` is ready, hand it to the tests, stop it (and its data) afterwards."""
    try:
        running.wait_ready()
        yield running
    finally:
        if running.proc.poll() is None:
            running.stop()
        if remove_datadir:
            shutil.rmtree(running.datadir, ignore_errors=True)
