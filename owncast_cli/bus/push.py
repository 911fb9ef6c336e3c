"""The live half of the bus: wake-up datagrams to every listening process under ``run/bus/``.

Each process with subscribers binds one Unix datagram socket ``run/bus/<pid>.sock``. A publisher,
after its transaction commits, sends each event (as JSON) to every other socket there. A datagram
can be lost (the kernel queues only ``net.unix.max_dgram_qlen`` datagrams, often 10): receivers
notice the gap in ids and read the missing events from the log, so loss costs time, not events.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Iterable
from pathlib import Path

from owncast_cli.bus.events import Event

#: Larger events travel as an id-only hint; the receiver reads them from the log.
MAX_DATAGRAM = 60_000


def bus_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "bus"


def encode(event: Event) -> bytes:
    payload = event.to_json().encode()
    if len(payload) > MAX_DATAGRAM:
        payload = b'{"hint":%d}' % event.id
    return payload


class Pusher:
    """Sends datagrams to the other processes' sockets without ever blocking."""

    def __init__(self, run_dir: Path, own_path: Path | None = None) -> None:
        self.directory = bus_dir(run_dir)
        self.own = str(own_path) if own_path else None
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.setblocking(False)
        self._mtime_ns = -1
        self._targets: list[str] = []
        #: Targets whose queue was full: they are owed a wake-up (see :meth:`retry_owed`).
        self.owed: set[str] = set()

    def _refresh(self) -> None:
        # One stat() per send; the listing is re-read only when a socket came or went.
        try:
            mtime = os.stat(self.directory).st_mtime_ns
        except FileNotFoundError:
            self._targets = []
            return
        if mtime != self._mtime_ns:
            self._mtime_ns = mtime
            self._targets = [
                str(p) for p in self.directory.glob("*.sock") if str(p) != self.own
            ]

    def send(self, events: Iterable[Event]) -> None:
        payloads = [encode(e) for e in events]
        if not payloads:
            return
        self._refresh()
        for target in self._targets:
            for payload in payloads:
                if not self._send_one(target, payload):
                    break

    def retry_owed(self, hint_id: int) -> None:
        """Send a small hint to every owed target; those that still refuse stay owed."""
        for target in list(self.owed):
            self.owed.discard(target)
            self._send_one(target, b'{"hint":%d}' % hint_id)

    def _send_one(self, target: str, payload: bytes) -> bool:
        try:
            self._sock.sendto(payload, target)
            return True
        except BlockingIOError:
            self.owed.add(target)
        except OSError as exc:
            if exc.errno in (errno.ECONNREFUSED, errno.ENOENT):
                # A socket left behind by a process that died: nobody reads it.
                self._forget(target, unlink=exc.errno == errno.ECONNREFUSED)
            elif exc.errno == errno.EAGAIN:
                self.owed.add(target)
            else:
                raise
        return False

    def _forget(self, target: str, *, unlink: bool) -> None:
        if target in self._targets:
            self._targets.remove(target)
        self.owed.discard(target)
        if unlink:
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass

    def close(self) -> None:
        self._sock.close()


def push_sync(run_dir: Path, events: list[Event]) -> None:
    """For sync callers (the CLI): push committed events to running daemons, best effort."""
    pusher = Pusher(run_dir)
    try:
        pusher.send(events)
    finally:
        pusher.close()
