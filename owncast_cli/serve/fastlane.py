"""The HLS fast lane: GET/HEAD ``/hls/*`` answered on the raw connection, the rest handed on.

Every viewer fetches a playlist and a segment every few seconds, so HLS is nearly all of serve's
traffic. Through Quart each fetch cost a framework dispatch and several thread hops for file I/O
(about 500 playlists/s and 0.3 GB/s of segments on two cores). Here a playlist is answered from
memory (re-read only when its inode, size or mtime change) and a segment body goes from the page
cache to the socket with ``os.sendfile``; the rules (types, caching, ETag, Range, 304, traversal)
are the same functions the Quart route uses.

Requests are served in order on a keep-alive connection; pipelined requests are answered one after
another. The first request that is not a plain HLS fetch ends the fast lane for that connection:
the bytes read from its start on are returned, and the caller hands the connection to hypercorn.
"""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Final

import trio

from owncast_cli.serve import files, hls, rawhttp, security
from owncast_cli.serve.limits import RETRY_AFTER

#: Waiting for the next request on an idle keep-alive connection (hypercorn's keep_alive_timeout).
IDLE_TIMEOUT: Final = 30.0
#: Once a request has begun, its whole head must arrive within this (slowloris).
HEAD_TIMEOUT: Final = 10.0
#: A response must drain within this (a reader that stops reading is cut off).
SEND_TIMEOUT: Final = 60.0
NOT_FOUND: Final = b"Not Found\n"
BUSY: Final = b"Too many open files; try again shortly\n"
#: Playlists kept in memory: a few variants, plus whatever else has been asked for lately.
PLAYLIST_CACHE_SIZE: Final = 64


class FastLane:
    """Answers HLS requests of a connection until it closes or turns to something else.

    Args:
        hls_dir: ``data/hls``.
        s3: whether segments live in object storage now (read per request: config changes live).
        playlist_fetched: called with (peer address, request headers) for every playlist served
            (viewer counting).
        idle_timeout, head_timeout, send_timeout: see the module constants.
    """

    def __init__(self, hls_dir: Path, *, s3: Callable[[], bool],
                 playlist_fetched: Callable[[str, dict[str, str]], None],
                 idle_timeout: float = IDLE_TIMEOUT, head_timeout: float = HEAD_TIMEOUT,
                 send_timeout: float = SEND_TIMEOUT) -> None:
        self.hls_dir = hls_dir
        self.s3 = s3
        self.playlist_fetched = playlist_fetched
        self.idle_timeout, self.head_timeout, self.send_timeout = idle_timeout, head_timeout, send_timeout
        self.dates = rawhttp.DateCache()
        self.closing = False
        self._idle: set[trio.CancelScope] = set()
        self._playlists: dict[Path, tuple[str, bytes]] = {}

    def close_idle(self) -> None:
        """Shutting down: close connections waiting for a request, end others after their response."""
        self.closing = True
        for scope in list(self._idle):
            scope.cancel()

    async def handle(self, stream: trio.SocketStream, peer: str) -> bytes | None:
        """Serve ``stream`` while its requests are ours.

        Returns:
            None when the connection is finished (closed by the peer, timed out, or
            ``Connection: close``); otherwise the bytes received from the start of the first
            request that is not ours, for hypercorn to continue with.
        """
        buffer = bytearray()
        # One scope per connection, its deadline moved for each phase (cheaper than a scope per
        # step): waiting idle, receiving a head, sending a response.
        with trio.CancelScope() as scope:
            while True:
                end = buffer.find(b"\r\n\r\n")
                if end < 0:
                    if not rawhttp.might_be_ours(buffer) or len(buffer) > rawhttp.MAX_HEAD:
                        return bytes(buffer)
                    if not await self._receive(stream, buffer, scope):
                        return None
                    continue
                request = rawhttp.parse_head(bytes(buffer[:end]))
                if request is None:
                    return bytes(buffer)
                del buffer[:end + 4]
                keep_alive = request.keep_alive and not self.closing
                scope.deadline = trio.current_time() + self.send_timeout
                try:
                    await self._respond(stream.socket, request, peer, keep_alive)
                except (OSError, trio.BrokenResourceError, trio.ClosedResourceError):
                    return None
                if not keep_alive:
                    return None
        return None  # a deadline passed, or shutdown closed an idle connection

    async def read_head(self, stream: trio.SocketStream, data: bytes) -> tuple[bytes, int]:
        """The bytes received so far, beginning with ``data`` (what :meth:`handle` returned), and
        the end of the request head in them (after its blank line), reading more as needed.

        The end is -1 when the head does not complete: larger than :data:`rawhttp.MAX_HEAD` (the
        caller hands it to hypercorn, which answers 431), not within ``head_timeout`` (slowloris),
        the peer left, or the server is shutting down.
        """
        buffer = bytearray(data)
        with trio.CancelScope(deadline=trio.current_time() + self.head_timeout) as scope:
            self._idle.add(scope)  # no request yet: shutting down closes it like an idle one
            try:
                while len(buffer) <= rawhttp.MAX_HEAD and not self.closing:
                    end = buffer.find(b"\r\n\r\n")
                    if end >= 0:
                        return bytes(buffer), end + 4
                    try:
                        more = await stream.receive_some(65536)
                    except (trio.BrokenResourceError, trio.ClosedResourceError):
                        break
                    if not more:
                        break
                    buffer += more
            finally:
                self._idle.discard(scope)
        return bytes(buffer), -1

    async def _receive(self, stream: trio.SocketStream, buffer: bytearray, scope: trio.CancelScope) -> bool:
        """Append what arrives to ``buffer``; False if the peer closed."""
        idle = not buffer
        if idle:
            if self.closing:
                return False
            self._idle.add(scope)
        scope.deadline = trio.current_time() + (self.idle_timeout if idle else self.head_timeout)
        try:
            data = await stream.receive_some(65536)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return False
        finally:
            self._idle.discard(scope)
        if not data:
            return False
        buffer += data
        return True

    async def _respond(self, sock: trio.socket.SocketType, request: rawhttp.Request, peer: str,
                       keep_alive: bool) -> None:
        date = self.dates.now()
        try:
            kind = hls.hls_kind(request.relative, s3=self.s3())
            path = files.confine(self.hls_dir, request.relative)
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except (files.Refused, OSError) as exc:
            # Out of descriptors is not "no such file": the player should retry, not give up.
            busy = isinstance(exc, OSError) and exc.errno in (errno.EMFILE, errno.ENFILE)
            status, text = (503, BUSY) if busy else (404, NOT_FOUND)
            headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(text)),
                       **({"Retry-After": str(RETRY_AFTER)} if busy else {}), **security.BASE_HEADERS}
            body = b"" if request.method == "HEAD" else text
            await _send(sock, rawhttp.response_head(status, headers, date=date, keep_alive=keep_alive) + body)
            return
        try:
            info = os.fstat(fd)
            plan = files.plan(path, method=request.method, headers=request.headers, info=info,
                              content_type=kind.content_type, cache_control=kind.cache_control,
                              extra=hls.CORS)
            head = rawhttp.response_head(plan.status, {**plan.headers, **security.BASE_HEADERS},
                                         date=date, keep_alive=keep_alive)
            if kind.is_playlist:
                self.playlist_fetched(peer, request.headers)
            if plan.path is None:
                await _send(sock, head)
            elif kind.is_playlist:
                body = self._playlist(path, fd, plan.headers["ETag"])
                await _send(sock, head + body[plan.offset:plan.offset + plan.length])
            else:
                await _send(sock, head, more=True)
                await _sendfile(sock, fd, plan.offset, plan.length)
        finally:
            os.close(fd)

    def _playlist(self, path: Path, fd: int, etag: str) -> bytes:
        """The playlist's bytes, from memory while its ETag (inode, size, mtime) is unchanged."""
        cached = self._playlists.get(path)
        if cached is not None and cached[0] == etag:
            return cached[1]
        size = os.fstat(fd).st_size
        body = os.pread(fd, size, 0)
        if len(body) != size:
            raise OSError(errno.EIO, f"{path} changed while being read")
        if len(self._playlists) >= PLAYLIST_CACHE_SIZE:
            self._playlists.clear()  # names rotate rarely: starting over is simplest
        self._playlists[path] = (etag, body)
        return body


async def _send(sock: trio.socket.SocketType, data: bytes, *, more: bool = False) -> None:
    """Send all of ``data``; ``more`` tells TCP a body follows (one packet for head and body start)."""
    flags = socket.MSG_MORE if more and sock.family != socket.AF_UNIX else 0
    view = memoryview(data)
    while view:
        sent = await sock.send(view, flags)
        view = view[sent:]


async def _sendfile(sock: trio.socket.SocketType, fd: int, offset: int, count: int) -> None:
    """Copy ``count`` bytes of ``fd`` from ``offset`` to the socket in the kernel (zero-copy)."""
    out = sock.fileno()
    while count > 0:
        try:
            sent = os.sendfile(out, fd, offset, count)
        except BlockingIOError:
            await trio.lowlevel.wait_writable(sock)
            continue
        if sent == 0:
            # The file shrank under us: the promised length cannot be met, so the connection ends.
            raise OSError(errno.EIO, "file truncated while sending")
        offset += sent
        count -= sent
    await trio.lowlevel.checkpoint()
