"""Backups, restore, Owncast's persisted and per-run flags, and systemd readiness."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.conftest import OWNCAST, ROOT, owncast, start_run_all
from tests.ingest.live import publisher


def test_backup_then_restore_brings_back_the_old_values(migrated: Path) -> None:
    owncast("config", "set", "server_name", "Before", datadir=migrated, check=True)
    path = Path(owncast("backup", datadir=migrated, check=True).stdout.strip())
    assert path.parent == migrated / "backup" and path.stat().st_size > 0
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    owncast("config", "set", "server_name", "After", datadir=migrated, check=True)
    owncast("restore", str(path), datadir=migrated, check=True)
    assert owncast("config", "get", "server_name", datadir=migrated, check=True).stdout.strip() == "Before"


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 200])
def test_restore_refuses_a_damaged_file_and_keeps_the_database(migrated: Path, content: bytes) -> None:
    owncast("config", "set", "server_name", "Kept", datadir=migrated, check=True)
    bad = migrated / "bad.db"
    bad.write_bytes(content)
    result = owncast("restore", str(bad), datadir=migrated)
    assert result.returncode == 1
    assert "not" in result.stderr and str(bad) in result.stderr
    assert owncast("config", "get", "server_name", datadir=migrated, check=True).stdout.strip() == "Kept"


def test_restore_refused_while_daemons_run_and_restoreDatabase_flag(datadir: Path) -> None:
    running = start_run_all(datadir, "--without", "transcode")
    try:
        running.wait_ready()
        backup = Path(owncast("backup", datadir=datadir, check=True).stdout.strip())
        result = owncast("restore", str(backup), datadir=datadir)
        assert result.returncode == 1 and "refusing to restore while daemons run" in result.stderr
        assert running.stop() == 0
    finally:
        running.proc.kill()
    # Owncast's flag: restore, then exit.
    result = subprocess.run([*OWNCAST, "run-all", "--datadir", str(datadir), "--restoreDatabase", str(backup)],
                            capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert result.returncode == 0 and "restored" in result.stderr


def test_adminpassword_flag_is_saved_hashed(datadir: Path) -> None:
    running = start_run_all(datadir, "--without", "transcode", "--adminpassword", "n3w-pass")
    try:
        running.wait_ready()
    finally:
        running.stop()
    stored = owncast("config", "get", "admin_password_key", datadir=datadir, check=True).stdout.strip()
    import bcrypt

    assert stored.startswith("$2") and bcrypt.checkpw(b"n3w-pass", stored.encode())


async def test_streamkey_flag_replaces_stored_keys_for_this_run_only(datadir: Path) -> None:
    running = start_run_all(datadir, "--without", "transcode", "--streamkey", "only-this-run")
    try:
        running.wait_ready()
        async with publisher(running.rtmp_port, "abc123") as stored_key:
            assert stored_key.refused
        async with publisher(running.rtmp_port, "only-this-run") as override:
            assert override.client.publishing
    finally:
        running.stop()
    keys = owncast("keys", "list", datadir=datadir, check=True).stdout
    assert "only-this-run" not in keys and "abc123" in keys


def test_systemd_readiness_and_stopping(datadir: Path) -> None:
    notify_path = datadir / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(20)
    import os

    env = dict(os.environ, NOTIFY_SOCKET=str(notify_path))
    proc = subprocess.Popen([*OWNCAST, "run-all", "--datadir", str(datadir), "--webserverport", "0",
                             "--rtmpport", "0", "--webserverip", "127.0.0.1", "--without", "transcode"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert sock.recv(256) == b"READY=1"
        proc.terminate()
        assert sock.recv(256) == b"STOPPING=1"
        assert proc.wait(timeout=5) == 0
    finally:
        proc.kill()
        sock.close()
