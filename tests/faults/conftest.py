"""Fault-test harness: owncast daemons as separate processes on one data dir, as systemd runs them.

A :class:`Cluster` starts ``owncast migrate`` and then ``owncast serve|ingest|transcode|chat|federate`` (or
``run-all``), each its own process with its own ``NOTIFY_SOCKET``, and treats a process as ready
when it sends ``READY=1``: the same event systemd's ``Type=notify`` units wait for. Processes can
be SIGKILLed, stopped with SIGTERM and started again with the same arguments.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import trio

from owncast_cli.daemons.records import all_records
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.db import open_database
from tests.conftest import OWNCAST, ROOT

READY_TIMEOUT = 30.0


async def next_matching(sub: Any, want: Callable[[Any], bool], timeout: float = 30.0) -> Any:
    """The next event of a bus subscription (``tests.ingest.live.watch``) for which ``want`` holds."""
    with trio.fail_after(timeout):
        async for event in sub:
            if want(event):
                return event
    raise AssertionError("the bus subscription ended")


class DaemonProcess:
    """One ``owncast COMMAND ...`` process; its output is appended to ``<datadir>/<name>.out``."""

    def __init__(self, datadir: Path, name: str, argv: Sequence[str]) -> None:
        self.datadir, self.name, self.argv = datadir, name, list(argv)
        self.log = datadir / f"{name}.out"
        self.process: trio.Process | None = None
        self.notify_path = datadir / f"n-{name}.sock"
        self._notify: trio.socket.SocketType | None = None

    async def start(self, timeout: float = READY_TIMEOUT) -> None:
        """Start the process and return once it sent ``READY=1`` (fail if it exits first)."""
        self._notify_socket_close()
        self._notify = trio.socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if self.notify_path.exists():
            self.notify_path.unlink()
        await self._notify.bind(str(self.notify_path))
        env = {**os.environ, "NOTIFY_SOCKET": str(self.notify_path), "OWNCAST_DATADIR": str(self.datadir)}
        with self.log.open("ab") as out:
            self.process = await trio.lowlevel.open_process(
                [*OWNCAST, *self.argv], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env,
                start_new_session=True)
        with trio.fail_after(timeout):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._exited_early)
                while True:
                    message = await self._notify.recv(4096)
                    if b"READY=1" in message.split(b"\n"):
                        nursery.cancel_scope.cancel()
                        return

    async def _exited_early(self) -> None:
        assert self.process is not None
        code = await self.process.wait()
        raise AssertionError(f"{self.name} exited {code} before it was ready:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    async def wait(self, timeout: float = 10.0) -> int:
        """The exit code (negative for a signal), within ``timeout`` seconds."""
        assert self.process is not None
        with trio.move_on_after(timeout):
            return await self.process.wait()
        raise AssertionError(f"{self.name} still running after {timeout}s:\n{self.output()}")

    async def kill(self) -> int:
        """SIGKILL, as a crash or the OOM killer would; returns once it is gone."""
        self.signal(signal.SIGKILL)
        return await self.wait()

    def _notify_socket_close(self) -> None:
        if self._notify is not None:
            self._notify.close()
            self._notify = None

    def cleanup(self) -> None:
        """Kill whatever is left of the process group and close the notify socket."""
        if self.process is not None and self.process.returncode is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._notify_socket_close()


class Cluster:
    """The processes of one data directory; every one still running is killed at teardown."""

    def __init__(self, datadir: Path) -> None:
        self.datadir = datadir
        self.processes: list[DaemonProcess] = []
        self.helpers: list[trio.Process] = []

    async def owncast(self, *args: str, timeout: float = 30.0) -> str:
        """Run a one-shot CLI command (``migrate``, ``config set``, ...); its stdout."""
        env = {**os.environ, "OWNCAST_DATADIR": str(self.datadir)}
        with trio.fail_after(timeout):
            done = await trio.run_process([*OWNCAST, *args], cwd=ROOT, env=env, capture_stdout=True,
                                          capture_stderr=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"owncast {' '.join(args)} exited {done.returncode}:\n{done.stderr.decode()}")
        return done.stdout.decode()

    async def start(self, command: str, *args: str) -> DaemonProcess:
        """``owncast COMMAND ARGS`` started and ready."""
        process = DaemonProcess(self.datadir, command, [command, *args])
        self.processes.append(process)
        await process.start()
        return process

    async def start_apart(self) -> dict[str, DaemonProcess]:
        """Every daemon as its own process in run-all's start order, as ``owncast.target`` runs them.

        Ports are the kernel's choice (0): a port picked in advance can be taken by any outgoing
        connection meanwhile. serve restarts on the port it got (:meth:`pin_web_port`).
        """
        flags = {"serve": ("--webserverip", "127.0.0.1", "--webserverport", "0"), "ingest": ("--rtmpport", "0")}
        started = {name: await self.start(name, *flags.get(name, ())) for name in DAEMONS}
        self.pin_web_port(started["serve"])
        return started

    def pin_web_port(self, process: DaemonProcess) -> str:
        """Make ``process`` (serve or run-all) restart on the HTTP port it bound; its base URL."""
        base = self.base_url()
        at = process.argv.index("--webserverport") + 1
        process.argv[at] = base.rsplit(":", 1)[1]
        return base

    def detail(self, daemon: str) -> str:
        """What a daemon recorded when it bound (its addresses), from the shared database."""
        db = open_database(self.datadir / "owncast.db")
        try:
            return {r.name: r.detail for r in all_records(db)}[daemon]
        finally:
            db.close()

    def base_url(self) -> str:
        return self.detail("serve").split(",")[0]

    async def publish_test(self, *args: str) -> trio.Process:
        """``owncast publish-test`` (ffmpeg's test pattern) at a small size, until killed."""
        env = {**os.environ, "OWNCAST_DATADIR": str(self.datadir)}
        with (self.datadir / "publish.out").open("ab") as out:
            process = await trio.lowlevel.open_process(
                [*OWNCAST, "publish-test", "--size", "320x180", "--fps", "15", "--bitrate", "300", *args],
                stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env, start_new_session=True)
        self.helpers.append(process)
        return process

    @staticmethod
    def kill_group(process: trio.Process) -> None:
        """SIGKILL a helper and its children (publish-test's ffmpeg), as a crashed encoder."""
        if process.returncode is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cleanup(self) -> None:
        for process in self.processes:
            process.cleanup()
        for helper in self.helpers:
            self.kill_group(helper)

    def logs(self) -> str:
        """Every process's output, for assertion messages."""
        return "\n".join(f"--- {p.name}\n{p.output()[-4000:]}" for p in self.processes)


@pytest.fixture
async def cluster(datadir: Path) -> AsyncIterator[Cluster]:
    """A migrated data directory and a :class:`Cluster` to start daemons on it."""
    running = Cluster(datadir)
    await running.owncast("migrate")
    try:
        yield running
    finally:
        running.cleanup()
