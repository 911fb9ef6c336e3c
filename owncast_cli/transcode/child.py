"""ffmpeg as a child that dies with transcode: ``PR_SET_PDEATHSIG``, so a restart never races an orphan.

Linux sends the parent-death signal when the *thread* that forked the child exits, not the
process (prctl(2)). trio forks in its worker threads, which exit after 10 s idle, so
``trio.run_process`` cannot be used with it. A ``preexec_fn`` also turns Python's vfork into a
full fork: 17-20 ms median per start on the 2-core test machine under load (0.3 ms without),
too long to block the event loop. So children are forked by one dedicated thread that lives
as long as the process, and waited for through a pidfd with public trio APIs.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import trio

PR_SET_PDEATHSIG: Final = 1  # <linux/prctl.h>
_SIGKILL: Final = int(signal.SIGKILL)
_POLL_SECONDS: Final = 0.05
# Resolved before any fork: the child may only make async-signal-safe calls.
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
# One thread that never idles out: the parent-death signal is tied to it (see above).
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="owncast-spawner")


def _die_with(parent_pid: int) -> Callable[[], None]:
    def preexec() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, _SIGKILL)
        if os.getppid() != parent_pid:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def _popen(argv: Sequence[str], stdout: int, stderr: int) -> subprocess.Popen[bytes]:
    future = _spawner.submit(subprocess.Popen, list(argv), stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                             preexec_fn=_die_with(os.getpid()))
    return future.result()


class Child:
    """A running child: its stdout as a trio stream, its exit awaited without a thread."""

    def __init__(self, popen: subprocess.Popen[bytes], stdout: int) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.stdout = trio.lowlevel.FdStream(stdout)
        try:
            self._pidfd: int | None = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self._pidfd = None  # kernel < 5.3 or not Linux: poll instead

    @classmethod
    async def start(cls, argv: Sequence[str], *, stderr: int) -> Child:
        """Start ``argv`` with its stdout piped to us; it gets SIGKILL if this process dies.

        Raises:
            OSError: the program could not be started.
        """
        read_fd, write_fd = os.pipe()
        try:
            # Not cancellable: a child started while we gave up waiting would be lost.
            popen = await trio.to_thread.run_sync(_popen, argv, write_fd, stderr)
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        return cls(popen, read_fd)

    @property
    def returncode(self) -> int | None:
        return self.popen.returncode

    async def wait(self) -> int:
        """Wait for the exit; the status (negative: killed by that signal)."""
        if self._pidfd is not None:
            await trio.lowlevel.wait_readable(self._pidfd)
        else:
            while self.popen.poll() is None:
                await trio.sleep(_POLL_SECONDS)
        return self.popen.wait()  # reaps it; immediate, it has exited

    def send_signal(self, signum: int) -> None:
        if self.popen.returncode is None:
            self.popen.send_signal(signum)

    async def aclose(self) -> None:
        await self.stdout.aclose()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
