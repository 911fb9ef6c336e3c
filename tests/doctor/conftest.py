"""Fixtures for the doctor tests: the CLI's JSON report, and Debian's nginx as a reverse proxy."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import owncast

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

#: What the location proxying to owncast says, per configuration under test.
PASSES_ALL = """
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header Host $host;"""
#: A common broken one: HTTP/1.0 to the upstream, hop-by-hop Upgrade dropped, no client address.
PASSES_NOTHING = """
      proxy_set_header Host $host;"""

CONFIG = """
worker_processes 1;
pid {tmp}/nginx.pid;
{user}
events {{ worker_connections 64; }}
http {{
  access_log off;
  error_log {tmp}/error.log warn;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass {upstream};{location}
    }}
  }}
}}
"""


def doctor(datadir: Path, *only: str, timeout: float = 40) -> tuple[int, dict[str, Any]]:
    """Run ``owncast doctor --json [--only ...]``; return its exit code and report."""
    args = ["doctor", "--json", *(f"--only={name}" for name in only)]
    result = owncast(*args, datadir=datadir, timeout=timeout)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def finding(report: dict[str, Any], check: str) -> dict[str, str]:
    found = [c for c in report["checks"] if c["check"] == check]
    assert len(found) == 1, f"{check} not in {[c['check'] for c in report['checks']]}"
    return found[0]


def config_set(datadir: Path, key: str, value: str) -> None:
    owncast("config", "set", key, "--", value, datadir=datadir, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"nginx exited {proc.returncode}: {log.read_text() if log.exists() else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"nginx did not listen on {port} in {timeout} s")


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Callable[[str, str], str]]:
    """``start(upstream, location_directives) -> proxy base URL``: nginx as this test's child process.

    Its config, pid file, logs and temp paths live in ``tmp_path``; it listens on a free loopback
    port. As root, workers drop to nobody (nginx's own default); otherwise it runs as the test user.
    """
    started: list[subprocess.Popen[bytes]] = []

    def start(upstream: str, location: str) -> str:
        tmp = tmp_path / f"nginx{len(started)}"
        tmp.mkdir()
        port = free_port()
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        conf = tmp / "nginx.conf"
        conf.write_text(CONFIG.format(tmp=tmp, user=user, port=port, upstream=upstream, location=location))
        log = tmp / "error.log"
        proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        _wait_listening(port, proc, log)
        return f"http://127.0.0.1:{port}"

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def prepared(datadir: Path, template_db: Path) -> Path:
    """A data directory holding a copy of the migrated template database (no daemon runs)."""
    shutil.copy(template_db, datadir / "owncast.db")
    return datadir
