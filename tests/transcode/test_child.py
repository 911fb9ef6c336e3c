"""Children that die with their parent: alive while it lives (whatever trio's threads do), gone after SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
import trio

from owncast_cli.transcode.child import Child
from tests.conftest import ROOT

STARTER = """
import os, sys, trio
from owncast_cli.transcode.child import Child

async def main():
    child = await Child.start(["sleep", "60"], stderr=2)
    print(child.pid, flush=True)
    await trio.sleep(60)

trio.run(main)
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


async def test_the_child_outlives_idle_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    # PR_SET_PDEATHSIG fires when the forking *thread* exits; trio's workers exit when idle
    # (10 s; 0.05 s here), which must not kill the child.
    monkeypatch.setattr(trio._core._thread_cache, "IDLE_TIMEOUT", 0.05)
    with trio.fail_after(10):
        child = await Child.start(["sleep", "30"], stderr=2)
        try:
            for _ in range(3):
                await trio.to_thread.run_sync(time.sleep, 0.01)  # a worker thread that then idles out
                await trio.sleep(0.3)
            assert child.returncode is None and not _gone(child.pid)
            child.send_signal(signal.SIGTERM)
            assert await child.wait() == -signal.SIGTERM
        finally:
            child.send_signal(signal.SIGKILL)
            await child.aclose()


async def test_stdout_and_exit_status() -> None:
    with trio.fail_after(10):
        child = await Child.start([sys.executable, "-c", "print('hi'); raise SystemExit(3)"], stderr=2)
        out = b""
        while data := await child.stdout.receive_some(100):
            out += data
        assert out == b"hi\n"
        assert await child.wait() == 3
        await child.aclose()
        with pytest.raises(FileNotFoundError):
            await Child.start(["/nonexistent/ffmpeg"], stderr=2)


def test_the_child_dies_with_its_parent() -> None:
    parent = subprocess.Popen([sys.executable, "-c", STARTER], stdout=subprocess.PIPE, cwd=ROOT, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert not _gone(pid)
        parent.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 1.0
        while not _gone(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _gone(pid), "the child outlived its SIGKILLed parent"
    finally:
        parent.kill()
        parent.wait()
