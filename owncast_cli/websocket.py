"""Websockets on the raw socket: serve's front door shakes hands, a daemon in the process talks.

Chat broadcasts one event to every client. Through hypercorn each frame cost a task switch and an
``await send_all`` per client (about 130 µs per frame). Server frames are unmasked (RFC 6455 5.1), so
the bytes of a broadcast are the same for every client: :func:`encode_text_frame` makes them once,
and :meth:`RawWebSocket.send_frame_nowait` writes them straight to each non-blocking socket. Only a
client whose socket buffer is full gets its frames queued (bounded: a client too far behind is
refused more, and its owner disconnects it) and a short-lived task that drains them as the socket
becomes writable. With a :class:`WriteBatch`, frames given to a connection during one pass of the
scheduler go out in one write: under load (many messages arriving together) that is one system
call per client for all of them instead of one per message, and at low load it adds no delay.

The contract between serve and the daemon that owns a path (daemons do not import each other):
the daemon registers ``ctx.ws_handlers[name] = handler``, an ``async def handler(conn)`` taking a
:class:`RawWebSocket` that has not answered yet; the handler calls :meth:`RawWebSocket.refuse`
(a plain HTTP answer) or :meth:`RawWebSocket.accept`, then ``receive()`` until it returns None.
Frames are parsed by wsproto (fragments, masking, UTF-8, ping/pong, close handshake).
"""

from __future__ import annotations

import os
import socket
import struct
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Final
from urllib.parse import parse_qsl

import trio
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)
from wsproto.handshake import H11Handshake
from wsproto.utilities import RemoteProtocolError

from owncast_cli.wsbatch import WriteBatch

#: A message larger than this (after reassembling fragments) closes the connection with 1009.
MAX_MESSAGE_SIZE: Final = 1024 * 1024
#: Frames waiting for a full socket before the client counts as too slow (Owncast: 256 messages).
MAX_PENDING_FRAMES: Final = 256
#: RFC 6455 7.4.1 close codes used here.
CLOSE_NORMAL: Final = 1000
CLOSE_GOING_AWAY: Final = 1001
CLOSE_TOO_BIG: Final = 1009
#: Reading stops after this many bytes per call.
RECEIVE_SIZE: Final = 65536

_FIN_TEXT: Final = 0x81

WebSocketHandler = Callable[["RawWebSocket"], Awaitable[None]]


def encode_text_frame(text: str) -> bytes:
    """One unfragmented, unmasked text frame (RFC 6455 5.2): what a server sends.

    The same bytes can go to every client, so a broadcast encodes once.
    """
    payload = text.encode("utf-8")
    size = len(payload)
    if size < 126:
        return bytes((_FIN_TEXT, size)) + payload
    if size < 65536:
        return struct.pack("!BBH", _FIN_TEXT, 126, size) + payload
    return struct.pack("!BBQ", _FIN_TEXT, 127, size) + payload


def parse_handshake(head: bytes) -> Request | None:
    """The websocket upgrade request in ``head`` (a request head ending with the blank line).

    Returns None when it is not a valid RFC 6455 opening handshake (not a GET, a header missing);
    such a request is then left to the general HTTP server, which answers it fully.
    """
    handshake = H11Handshake(ConnectionType.SERVER)
    try:
        handshake.receive_data(head)
        events = list(handshake.events())
    except RemoteProtocolError:
        return None
    request = next((e for e in events if isinstance(e, Request)), None)
    return request


class RawWebSocket:
    """One server-side websocket on a trio socket, from the handshake to the close.

    Args:
        sock: the connected trio socket (non-blocking).
        head: the request head, ending with the blank line (a valid handshake: see
            :func:`parse_handshake`).
        extra: bytes the client sent after the head (its first frames).
        peer: the peer's IP address, "" for a Unix-socket peer.
        batch: where to defer frame writes to (one write per scheduler pass); None writes at once.
    """

    def __init__(self, sock: trio.socket.SocketType, head: bytes, extra: bytes, peer: str,
                 batch: WriteBatch | None = None) -> None:
        self.sock = sock
        self._fd = sock.fileno()
        self.peer = peer
        self._handshake: H11Handshake | None = H11Handshake(ConnectionType.SERVER)
        self._handshake.receive_data(head)
        request = next(e for e in self._handshake.events() if isinstance(e, Request))
        self.target = request.target
        path, _, self.query = request.target.partition("?")
        self.path = path
        self.headers: dict[str, str] = {}
        for name, value in request.extra_headers:
            key, text = name.decode("latin-1").lower(), value.decode("latin-1")
            self.headers[key] = f"{self.headers[key]}, {text}" if key in self.headers else text
        self.headers.setdefault("host", request.host)
        self._extra = extra
        self._ws: Connection | None = None
        self.max_message_size = MAX_MESSAGE_SIZE
        self.max_pending_frames = MAX_PENDING_FRAMES
        self._pending: deque[memoryview] = deque()
        self._batch = batch
        #: Frames given since the last flush (only with a batch).
        self._outgoing: list[bytes] = []
        self._nursery: trio.Nursery | None = None
        self._draining = False
        self._drained = trio.Event()
        self._drained.set()
        self.closed = False
        self.broken = False
        #: The close code sent (ours) or received (the peer's), once closing has started.
        self.close_code: int | None = None
        #: trio time the peer last sent anything (a message, a pong): how its owner tells a dead
        #: peer from a quiet one (see :meth:`ping_nowait`).
        self.last_heard = trio.current_time()

    @property
    def args(self) -> dict[str, str]:
        """Query parameters (the first value of each)."""
        args: dict[str, str] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            args.setdefault(key, value)
        return args

    # --- handshake --------------------------------------------------------------------------

    async def accept(self) -> None:
        """Answer 101 Switching Protocols (no extensions, no subprotocol: frames stay plain)."""
        assert self._handshake is not None, "accept() or refuse() was already called"
        data = self._handshake.send(AcceptConnection())
        self._handshake = None  # its h11 state is not needed any more
        self._ws = Connection(ConnectionType.SERVER, [])
        if self._extra:
            self._ws.receive_data(self._extra)
            self._extra = b""
        self._push(data)
        await self._wait_drained()

    async def refuse(self, status: int, body: str, content_type: str = "text/plain; charset=utf-8") -> None:
        """Answer with a plain HTTP response instead of the upgrade; the connection then closes."""
        assert self._handshake is not None, "accept() or refuse() was already called"
        payload = body.encode("utf-8")
        headers = [(b"Content-Type", content_type.encode("latin-1")),
                   (b"Content-Length", str(len(payload)).encode("ascii")), (b"Connection", b"close")]
        data = self._handshake.send(RejectConnection(status_code=status, headers=headers, has_body=True))
        data += self._handshake.send(RejectData(data=payload, body_finished=True))
        self._handshake = None
        self.closed = True
        self._push(data)
        await self._wait_drained()

    # --- sending ----------------------------------------------------------------------------

    def send_frame_nowait(self, frame: bytes) -> bool:
        """Send an encoded frame without waiting (see :func:`encode_text_frame`).

        Returns False, sending nothing, when the connection is closing or broken, or when
        ``max_pending_frames`` frames already wait for the socket: the peer is too slow.
        """
        if self.closed or self.broken or self._ws is None:
            return False
        if len(self._pending) + len(self._outgoing) >= self.max_pending_frames:
            return False
        if self._batch is None:
            self._push(frame)
        else:
            if not self._outgoing:
                self._batch.mark(self)
            self._outgoing.append(frame)
        return True

    def flush(self) -> None:
        """Write the frames given since the last flush, in one write."""
        outgoing = self._outgoing
        if outgoing:
            self._outgoing = []
            if not self.broken:
                self._push(outgoing[0] if len(outgoing) == 1 else b"".join(outgoing))

    def ping_nowait(self) -> bool:
        """Send a ping (after the frames given before it); a live peer answers with a pong, which
        moves :attr:`last_heard`. False when the connection is closing or broken."""
        if self.closed or self.broken or self._ws is None:
            return False
        self.flush()
        self._push(self._ws.send(Ping()))
        return True

    async def send(self, text: str) -> None:
        """Send one text message, waiting until the socket took it (for code that awaits sends)."""
        if not self.send_frame_nowait(encode_text_frame(text)):
            raise trio.BrokenResourceError("the websocket is closed or its peer is not reading")
        self.flush()
        await self._wait_drained()

    def _push(self, data: bytes) -> None:
        """Write ``data`` now if nothing waits before it, queue what the socket does not take."""
        if self.broken:
            return
        view = memoryview(data)
        if not self._pending:
            try:
                sent = os.write(self._fd, view)
            except BlockingIOError:
                sent = 0
            except OSError:
                self.broken = True
                return
            if sent == len(view):
                return
            view = view[sent:]
        self._pending.append(view)
        if not self._draining and self._nursery is not None:
            self._draining = True
            self._drained = trio.Event()
            self._nursery.start_soon(self._drain)

    async def _drain(self) -> None:
        try:
            while self._pending and not self.broken:
                try:
                    await trio.lowlevel.wait_writable(self.sock)
                except (trio.ClosedResourceError, OSError):
                    self.broken = True
                    break
                while self._pending:
                    view = self._pending[0]
                    try:
                        sent = os.write(self._fd, view)
                    except BlockingIOError:
                        break
                    except OSError:
                        self.broken = True
                        break
                    if sent == len(view):
                        self._pending.popleft()
                    else:
                        self._pending[0] = view[sent:]
                        break
        finally:
            if self.broken:
                self._pending.clear()
            self._draining = False
            self._drained.set()

    async def _wait_drained(self) -> None:
        if self._pending:
            await self._drained.wait()
        else:
            await trio.lowlevel.checkpoint()
        if self.broken:
            raise trio.BrokenResourceError("the websocket's peer went away")

    # --- receiving --------------------------------------------------------------------------

    async def receive(self) -> str | bytes | None:
        """The next whole message, or None once the connection is closed (by either side).

        Pings are answered with pongs; a close frame is answered and ends the connection; a
        message beyond ``max_message_size`` closes it with 1009; a protocol error (an unmasked
        frame, invalid UTF-8 in a text message, ...) with the code wsproto gives.
        """
        ws = self._ws
        assert ws is not None, "receive() before accept()"
        parts: list[str] | list[bytes] = []
        size = 0
        while True:
            for event in ws.events():
                if isinstance(event, (TextMessage, BytesMessage)):
                    data = event.data
                    size += len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
                    if size > self.max_message_size:
                        await self.close(CLOSE_TOO_BIG, "message too big")
                        return None
                    parts.append(data)  # type: ignore[arg-type]
                    if event.message_finished:
                        if isinstance(event, TextMessage):
                            return "".join(parts)  # type: ignore[arg-type]
                        return b"".join(parts)  # type: ignore[arg-type]
                elif isinstance(event, Ping):
                    self._push(ws.send(event.response()))
                elif isinstance(event, CloseConnection):
                    if self.close_code is None:
                        self.close_code = event.code
                    if not self.closed:
                        self.flush()
                        self.closed = True
                        # A parse failure leaves the state OPEN: answer with its code. A peer's
                        # close frame leaves REMOTE_CLOSING: echo it (RFC 6455 5.5.1).
                        try:
                            self._push(ws.send(event.response()))
                        except Exception:  # noqa: BLE001 - the state allows no reply: nothing to send
                            pass
                    return None
            if self.closed or self.broken:
                return None
            try:
                data = await self.sock.recv(RECEIVE_SIZE)
            except OSError:
                data = b""
            if data:
                self.last_heard = trio.current_time()
            ws.receive_data(data or None)

    # --- closing ----------------------------------------------------------------------------

    async def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Send a close frame (once) and wait until it is on its way."""
        if self.closed or self._ws is None:
            return
        self.flush()  # frames given before the close go out before it
        self.closed = True
        self.close_code = code
        try:
            self._push(self._ws.send(CloseConnection(code=code, reason=reason)))
        except Exception:  # noqa: BLE001 - wsproto refuses in a closed state: nothing to send
            return
        try:
            await self._wait_drained()
        except trio.BrokenResourceError:
            pass

    async def run(self, handler: WebSocketHandler, *, linger: float = 1.0) -> None:
        """Run ``handler`` on this connection, then finish it: a close frame if the handler did
        not send one (1000), queued bytes flushed for up to ``linger`` seconds, the socket shut.
        """
        try:
            async with trio.open_nursery() as nursery:
                self._nursery = nursery
                try:
                    await handler(self)
                finally:
                    with trio.move_on_after(linger) as scope:
                        scope.shield = True
                        if self._handshake is not None:
                            await self.refuse(500, "the websocket handler did not answer\n")
                        await self.close(CLOSE_NORMAL)
                        await self._wait_drained_quietly()
                        await self._await_peer_close()
                    nursery.cancel_scope.cancel()
        finally:
            self._nursery = None
            self._pending.clear()
            self._outgoing = []
            # The socket is closed after this and its descriptor number may be reused: nothing
            # may be written through this object any more.
            self.closed = self.broken = True

    async def _wait_drained_quietly(self) -> None:
        try:
            await self._wait_drained()
        except trio.BrokenResourceError:
            pass

    async def _await_peer_close(self) -> None:
        """After our close frame: half-close, and read until the peer closes (RFC 6455 7.1.1:
        the server closes the TCP connection first, but clients that answer are waited for)."""
        if self.broken:
            return
        try:
            self.sock.shutdown(socket.SHUT_WR)
            while await self.sock.recv(RECEIVE_SIZE):
                pass
        except OSError:
            pass
