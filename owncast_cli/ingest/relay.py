"""``run/ingest.sock``: hands the live FLV to one reader (the transcoder) without ever blocking ingest."""

from __future__ import annotations

import logging
import os
import socket
from collections import deque
from collections.abc import Callable
from pathlib import Path

import trio

logger = logging.getLogger("owncast.ingest.relay")

#: Bytes queued for a slow reader before ingest drops media (resuming at the next keyframe).
MAX_QUEUED = 32 << 20


class _Reader:
    def __init__(self, stream: trio.SocketStream) -> None:
        self.stream = stream
        self.fd = stream.socket.fileno()
        self.queue: deque[bytes] = deque()
        self.queued = 0
        self.sending = False  # the writer task is in send_all: it owns the socket
        self.wake = trio.Event()
        self.finished = False  # the stream ended: close once the queue is drained
        self.gone = trio.Event()


class Relay:
    """One reader at a time gets the current stream; a new reader replaces the old one.

    ``start`` / ``push`` / ``flush`` / ``end`` are called by the publisher and never wait: ``push``
    queues, ``flush`` (after each batch of RTMP messages) writes what the socket takes at once and
    leaves the rest to the reader's task. A reader that falls behind by more than MAX_QUEUED bytes
    loses media until the next keyframe, and ``on_drop`` says so.
    """

    def __init__(self, on_drop: Callable[[int], None]) -> None:
        self.on_drop = on_drop
        self._reader: _Reader | None = None
        self._preamble: Callable[[], bytes] | None = None  # set while a stream is live
        self._skipping = False
        self._dropped = 0

    # --- the publisher's side -----------------------------------------------------------------

    def start(self, preamble: Callable[[], bytes]) -> None:
        """A stream is live: the current reader (and any later one) starts with ``preamble()``."""
        self._preamble = preamble
        self._skipping = False
        if self._reader is not None and not self._reader.finished:
            self._enqueue(self._reader, preamble())
            self.flush()

    def push(self, tag: bytes, *, keyframe: bool) -> None:
        reader = self._reader
        if reader is None or reader.finished or self._preamble is None:
            return
        if self._skipping:
            if not keyframe:
                self._dropped += len(tag)
                return
            self._skipping = False
            self.on_drop(self._dropped)
            self._dropped = 0
        if reader.queued + len(tag) > MAX_QUEUED:
            # Never block the RTMP connection: drop, and resume where a decoder can.
            self._skipping, self._dropped = True, len(tag)
            return
        self._enqueue(reader, tag)

    def flush(self) -> None:
        """Write what is queued straight to the socket, without waiting (most of the time it all
        fits): one task switch fewer per RTMP read than handing every write to the reader's task."""
        reader = self._reader
        if reader is None or reader.sending or not reader.queue:
            return
        data = b"".join(reader.queue)
        reader.queue.clear()
        try:
            written = os.write(reader.fd, data)
        except (BlockingIOError, InterruptedError):
            written = 0
        except OSError:
            written = 0  # the reader's task meets the same error in send_all and closes it
        reader.queued = len(data) - written
        if reader.queued:
            reader.queue.append(data[written:])
            reader.wake.set()

    def end(self) -> None:
        """The stream ended: the reader gets EOF once it has everything queued."""
        self.flush()
        self._preamble = None
        if self._reader is not None:
            self._reader.finished = True
            self._reader.wake.set()
            self._reader = None

    @staticmethod
    def _enqueue(reader: _Reader, data: bytes) -> None:
        reader.queue.append(data)
        reader.queued += len(data)

    # --- the reader's side --------------------------------------------------------------------

    async def handle_reader(self, stream: trio.SocketStream) -> None:
        reader = _Reader(stream)
        old, self._reader = self._reader, reader
        if old is not None:
            logger.info("a new reader replaced the previous one")
            old.finished = True
            old.queue.clear()
            old.wake.set()
        if self._preamble is not None:
            self._enqueue(reader, self._preamble())
            reader.wake.set()
        try:
            await self._write(reader)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            logger.info("the reader went away")
        finally:
            if self._reader is reader:
                self._reader = None
            with trio.CancelScope(shield=True):
                await stream.aclose()

    async def _write(self, reader: _Reader) -> None:
        while True:
            await reader.wake.wait()
            reader.wake = trio.Event()
            reader.sending = True
            while reader.queue:
                # Coalesce small tags into one write: fewer syscalls at high packet rates.
                batch = []
                size = 0
                while reader.queue and size < 256 << 10:
                    chunk = reader.queue.popleft()
                    batch.append(chunk)
                    size += len(chunk)
                reader.queued -= size
                await reader.stream.send_all(b"".join(batch))
            reader.sending = False
            if reader.finished:
                return


async def open_unix_listener(path: Path) -> trio.SocketListener:
    """trio has no Unix listener helper: bind, replacing a stale socket left by a crash."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    sock = trio.socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    await sock.bind(str(path))
    sock.listen(8)
    return trio.SocketListener(sock)
