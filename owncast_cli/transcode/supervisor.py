"""One ffmpeg process: started under trio, stderr to ``logs/transcoder.log``, ``-progress`` parsed."""

from __future__ import annotations

import logging
import os
import shlex
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Final

import trio

from owncast_cli.transcode.child import Child
from owncast_cli.transcode.progress import Progress, ProgressParser

logger = logging.getLogger("owncast.transcode.ffmpeg")

#: ffmpeg gets this long after SIGTERM to write its last segment and playlist.
TERM_GRACE_SECONDS: Final = 3.0
#: transcoder.log is started afresh past this size (one previous copy is kept).
LOG_MAX_BYTES: Final = 10 << 20

OnProgress = Callable[[Progress], Awaitable[None]]


def open_log(path: Path) -> int:
    """An append-only file descriptor for ffmpeg's stderr, rotated once it grows large."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if path.stat().st_size > LOG_MAX_BYTES:
            os.replace(path, path.with_suffix(path.suffix + ".1"))
    except FileNotFoundError:
        pass
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


async def _terminate(child: Child) -> None:
    # SIGTERM makes ffmpeg finish the segment it is writing and update the playlists.
    child.send_signal(signal.SIGTERM)
    with trio.move_on_after(TERM_GRACE_SECONDS):
        await child.wait()
        return
    logger.warning("ffmpeg (pid %d) ignored SIGTERM for %.0fs: killing it", child.pid, TERM_GRACE_SECONDS)
    child.send_signal(signal.SIGKILL)
    await child.wait()


async def _read_progress(stream: trio.abc.ReceiveStream, on_progress: OnProgress) -> None:
    parser = ProgressParser()
    while data := await stream.receive_some(65536):
        for report in parser.feed(bytes(data)):
            await on_progress(report)


async def run_ffmpeg(argv: list[str], *, log_path: Path, on_progress: OnProgress) -> int:
    """Run ``argv`` until it exits; cancelling this asks ffmpeg to finish (SIGTERM), then kills.

    ffmpeg dies with this process (:mod:`owncast_cli.transcode.child`), also on SIGKILL.

    Returns:
        The exit status (negative: killed by that signal).

    Raises:
        OSError: ffmpeg could not be started.
    """
    log_fd = open_log(log_path)
    try:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        os.write(log_fd, f"--- {stamp} {shlex.join(argv)}\n".encode())
        child = await Child.start(argv, stderr=log_fd)
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(_read_progress, child.stdout, on_progress)
                code = await child.wait()
        finally:
            with trio.CancelScope(shield=True):
                if child.returncode is None:
                    await _terminate(child)
                await child.aclose()
            os.write(log_fd, f"--- exit {child.returncode}\n".encode())
        return code
    finally:
        os.close(log_fd)
