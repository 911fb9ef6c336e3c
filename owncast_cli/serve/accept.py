"""The front door's accept loop: count each connection, refuse over the caps, survive EMFILE.

``trio.serve_listeners`` logs every failed accept with a traceback and retries ten times a second,
so a process out of descriptors filled its log with ``accept returned EMFILE``. Here the caps of
:mod:`owncast_cli.serve.limits` keep HTTP below the limit, a refused connection gets a canned 503
written without waiting (no task, no timer) and is closed, and running out of descriptors anyway
(something else used them) is logged once a minute while accepting pauses briefly.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Final

import trio

from owncast_cli.serve import security
from owncast_cli.serve.limits import RETRY_AFTER, ConnectionCounter, Refused

logger = logging.getLogger("owncast.serve")

#: accept(2) failures that mean "no resources now", not "this listener is broken".
_CAPACITY_ERRNOS: Final = frozenset({errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.ENOBUFS})
#: How long accepting pauses after such a failure, and how often one is logged.
_PAUSE: Final = 0.1
_LOG_EVERY: Final = 60.0

Handler = Callable[[trio.SocketStream], Awaitable[None]]


def refusal(reason: Refused) -> bytes:
    """The whole 503 response a refused connection gets (JSON, like Owncast's API errors)."""
    body = json.dumps({"error": reason.value}).encode()
    lines = ["HTTP/1.1 503 Service Unavailable", f"Retry-After: {RETRY_AFTER}",
             "Content-Type: application/json", f"Content-Length: {len(body)}", "Connection: close",
             *(f"{name}: {value}" for name, value in security.BASE_HEADERS.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


_REFUSALS: Final = {reason: refusal(reason) for reason in Refused}


def _refuse(sock: trio.socket.SocketType, reason: Refused) -> None:
    """Answer 503 as far as the socket buffer takes it now, and close.

    The request is drained first when it has arrived: closing with unread data makes the kernel
    send a reset, which can discard the 503 before the client reads it.
    """
    fd = sock.fileno()
    try:
        try:
            os.read(fd, 65536)  # non-blocking: whatever has arrived
        except BlockingIOError:
            pass
        os.write(fd, _REFUSALS[reason])
        sock.shutdown(socket.SHUT_WR)
    except OSError:
        pass  # the client left already
    finally:
        sock.close()


def peer_address(sock: trio.socket.SocketType) -> str:
    """The peer's IP address, or "" for a Unix-socket peer (a reverse proxy or admin on this
    machine)."""
    if sock.family == socket.AF_UNIX:
        return ""
    try:
        return str(sock.getpeername()[0])
    except OSError:
        return ""


class _Throttle:
    """At most one log line a minute for a condition clients can repeat (they must not be able to
    fill the log); counts the occurrences left out."""

    def __init__(self) -> None:
        self.last, self.skipped = -_LOG_EVERY, 0

    def due(self) -> int | None:
        """None to stay quiet now; otherwise how many were left out since the last line."""
        now = time.monotonic()
        if now - self.last < _LOG_EVERY:
            self.skipped += 1
            return None
        skipped, self.last, self.skipped = self.skipped, now, 0
        return skipped


class ThrottleRepeats(logging.Filter):
    """Lets each distinct message through once a minute, noting how many repeats were dropped.

    For hypercorn's error log: "Error in ASGI Framework" with its traceback is one a client can
    provoke at will (a request pipelined after a refused websocket upgrade).
    """

    def __init__(self) -> None:
        super().__init__()
        self._throttles: dict[str, _Throttle] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if len(self._throttles) > 1000:
            self._throttles.clear()  # distinct messages are few; this only bounds the memory
        skipped = self._throttles.setdefault(str(record.msg), _Throttle()).due()
        if skipped:
            record.msg = f"{record.msg} ({skipped} more like it in the last minute)"
        return skipped is not None


async def accept_loop(listener: trio.SocketListener, counter: ConnectionCounter, handler: Handler,
                      nursery: trio.Nursery) -> None:
    """Accept on ``listener`` until cancelled; each admitted connection runs ``handler`` in
    ``nursery``, and when the handler returns its socket is closed and ``counter`` released."""
    exhausted, failures = _Throttle(), _Throttle()
    while True:
        try:
            stream = await listener.accept()
        except OSError as exc:
            if exc.errno not in _CAPACITY_ERRNOS:
                raise
            skipped = exhausted.due()
            if skipped is not None:
                logger.error("accept failed (%s: %s, %d more since the last report) with %d HTTP "
                             "connections open: pausing accepts; lower http_max_connections or raise "
                             "the open-file limit", errno.errorcode[exc.errno], exc.strerror, skipped,
                             counter.total)
            await trio.sleep(_PAUSE)
            continue
        admitted = counter.admit(peer_address(stream.socket))
        if isinstance(admitted, Refused):
            _refuse(stream.socket, admitted)
            continue
        nursery.start_soon(_run, handler, stream, counter, admitted, failures)


async def _run(handler: Handler, stream: trio.SocketStream, counter: ConnectionCounter, key: str,
               failures: _Throttle) -> None:
    try:
        await handler(stream)
    except Exception as exc:  # one connection's failure must not stop the server
        # hypercorn 0.18 raises h11's LocalProtocolError out of the connection when a client
        # pipelines a request after a refused websocket upgrade; trio would then cancel every
        # connection and the daemon with them.
        skipped = failures.due()
        if skipped is not None:
            logger.error("an HTTP connection failed (%d more since the last report); serving on",
                         skipped, exc_info=exc)
    finally:
        # The descriptor goes with the count, even when the handler was cancelled mid-close. A
        # plain close: no checkpoint, no shielded scope (shutting down 10,000 connections pays
        # for each).
        stream.socket.close()
        counter.release(key)
