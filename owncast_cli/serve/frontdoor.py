"""The front door's listeners: each connection meets the HLS fast lane first, then hypercorn.

This is ``hypercorn.trio.serve`` (hypercorn 0.18's ``worker_serve``: lifespan, listeners, graceful
shutdown) with these changes: connections are admitted against the caps of
:mod:`owncast_cli.serve.limits` by :func:`~owncast_cli.serve.accept.accept_loop`; the connection
handler runs :class:`FastLane` before hypercorn's ``TCPServer``, then waits for the rest of the
first request head itself (closing a head that is too slow), and gives hypercorn a stream that
replays the bytes already read. Hypercorn then sees the connection exactly as a client sent it, so
HTTP/1.1, websockets, h2c upgrade and HTTP/2 with prior knowledge behave as they do without the
fast lane.

A websocket upgrade to a path whose daemon runs in this process and registered a websocket handler
(``ctx.ws_handlers``, see owncast_cli/websocket.py) is answered here too: the handshake on the raw
socket, then the daemon's handler with a :class:`~owncast_cli.websocket.RawWebSocket`. Anything
else about the request (an invalid handshake, no handler) goes to hypercorn as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import trio
from hypercorn.config import Config
from hypercorn.trio.lifespan import Lifespan
from hypercorn.trio.statsd import StatsdLogger
from hypercorn.trio.tcp_server import TCPServer
from hypercorn.trio.worker_context import WorkerContext
from hypercorn.typing import ConnectionState, LifespanState
from hypercorn.utils import repr_socket_addr, wrap_app

from owncast_cli import websocket
from owncast_cli.serve.accept import accept_loop, peer_address
from owncast_cli.serve.fastlane import FastLane
from owncast_cli.serve.limits import ConnectionCounter, Limits
from owncast_cli.serve.rawhttp import MAX_HEAD
from owncast_cli.wsbatch import WriteBatch

#: What a request must start with for the front door to consider answering a websocket itself.
_WS_PREFIX = b"GET /"


class ReplayStream(trio.abc.HalfCloseableStream):
    """A socket stream whose first ``receive_some`` calls return ``prefix`` (bytes already read).

    It has no ``do_handshake``, so hypercorn treats it as plain TCP, and exposes ``socket`` for the
    peer and local addresses.
    """

    def __init__(self, stream: trio.SocketStream, prefix: bytes) -> None:
        self.stream = stream
        self.socket = stream.socket
        self._prefix = prefix

    async def receive_some(self, max_bytes: int | None = None) -> bytes:
        if self._prefix:
            size = len(self._prefix) if max_bytes is None else max_bytes
            data, self._prefix = self._prefix[:size], self._prefix[size:]
            await trio.lowlevel.checkpoint()
            return data
        return await self.stream.receive_some(max_bytes)

    async def send_all(self, data: bytes | bytearray | memoryview) -> None:
        await self.stream.send_all(data)

    async def wait_send_all_might_not_block(self) -> None:
        await self.stream.wait_send_all_might_not_block()

    async def send_eof(self) -> None:
        await self.stream.send_eof()

    async def aclose(self) -> None:
        await self.stream.aclose()


class _TCPServer(TCPServer):
    """hypercorn's connection, with its connection-level reactions shielded from cancellation.

    quart-trio cancels the request's task group when hypercorn tells it the request is over
    (``http.disconnect``), and hypercorn 0.18 runs the rest of that cycle in the app's task: the
    ``Closed`` of a ``Connection: close`` response (shut down, close) and the ``Updated(idle)``
    that starts the keep-alive timer were cancelled halfway. Sockets stayed open for good (1,000
    idle keep-alive connections were still open after 134 s). Both are quick and must finish.
    """

    async def protocol_send(self, event: Any) -> None:
        with trio.CancelScope(shield=True):
            await super().protocol_send(event)

    async def _read_data(self) -> None:
        await super()._read_data()
        # The peer has gone (or the read failed). hypercorn's task group waits for its children
        # without cancelling them, so a keep-alive timer left running held the socket in
        # CLOSE-WAIT for the whole idle timeout: 256 short requests from one address filled
        # its connection cap.
        await self.idle_task.stop()


def _path(data: bytes) -> str | None:
    """The path of the request line ``data`` starts with; None while that line is incomplete."""
    line_end = data.find(b"\r\n")
    if line_end < 0:
        return None
    target = data[:line_end].split(b" ")[1] if data.count(b" ", 0, line_end) >= 2 else b""
    return target.partition(b"?")[0].decode("latin-1")


def _websocket_handler(head: bytes, route: Callable[[str], websocket.WebSocketHandler | None]
                       ) -> websocket.WebSocketHandler | None:
    """The in-process handler for the upgrade in ``head``, if it is a valid one and has a handler."""
    handler = route(_path(head) or "")
    if handler is None or websocket.parse_handshake(head) is None:
        return None
    return handler


async def serve(app: Callable[..., Awaitable[None]], config: Config, lane: FastLane,
                counter: ConnectionCounter | None = None, *, shutdown_trigger: Callable[[], Awaitable[None]],
                ws_route: Callable[[str], websocket.WebSocketHandler | None] = lambda path: None,
                task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    """Serve ``app`` on ``config.bind`` with ``lane`` in front, until ``shutdown_trigger`` returns.

    ``ws_route(path)`` names the in-process websocket handler for a path, or None (hypercorn's).
    ``counter`` admits each connection (see :mod:`owncast_cli.serve.limits`); None admits all.

    Reports the bound addresses (``http://...``) through ``task_status`` once listening. On
    shutdown: stop accepting, close idle connections, give the others ``config.graceful_timeout``.
    """
    config.set_statsd_logger_class(StatsdLogger)
    if counter is None:
        counter = ConnectionCounter(Limits(total=1 << 62, per_address=0, idle_timeout=config.keep_alive_timeout))
    wrapped = wrap_app(app, config.wsgi_max_body_size, None)
    lifespan_state: LifespanState = {}
    lifespan = Lifespan(wrapped, config, lifespan_state)
    context = WorkerContext(None)
    batch = WriteBatch()

    async def connection(stream: trio.SocketStream) -> None:
        end = -1
        rest = await lane.handle(stream, peer_address(stream.socket))
        if rest is not None:
            # The whole head arrives here, where a waiting connection costs a third of what it
            # costs inside hypercorn (shutting down 10,000 of them: 1.0 s of CPU against 3.6 s).
            rest, end = await lane.read_head(stream, rest)
            if end < 0 and len(rest) <= MAX_HEAD:
                rest = None  # too slow, gone, or shutting down: there is no request to answer
        if rest is None:
            return  # accept_loop closes the socket
        handler = _websocket_handler(rest[:end], ws_route) if end > 0 and rest.startswith(_WS_PREFIX) else None
        if handler is not None:
            conn = websocket.RawWebSocket(stream.socket, rest[:end], rest[end:], peer_address(stream.socket),
                                          batch)
            await conn.run(handler)
            return
        await _TCPServer(wrapped, config, context, ConnectionState(lifespan_state.copy()),
                        ReplayStream(stream, rest))  # type: ignore[arg-type]

    async with trio.open_nursery() as lifespan_nursery:
        await lifespan_nursery.start(lifespan.handle_lifespan)
        await lifespan_nursery.start(batch.run)
        await lifespan.wait_for_startup()
        async with trio.open_nursery() as server_nursery:
            sockets = config.create_sockets()
            listeners, binds = [], []
            for sock in sockets.insecure_sockets:
                sock.listen(config.backlog)
                listeners.append(trio.SocketListener(trio.socket.from_stdlib_socket(sock)))
                binds.append(f"http://{repr_socket_addr(sock.family, sock.getsockname())}")
            task_status.started(binds)
            try:
                async with trio.open_nursery() as accept_nursery:
                    for listener in listeners:
                        accept_nursery.start_soon(accept_loop, listener, counter, connection, server_nursery)
                    await shutdown_trigger()
                    accept_nursery.cancel_scope.cancel()
            finally:
                with trio.CancelScope(shield=True):
                    for listener in listeners:
                        await listener.aclose()  # new connections are refused from now on
                lane.close_idle()
                await context.terminated.set()
                server_nursery.cancel_scope.deadline = trio.current_time() + config.graceful_timeout
        await lifespan.wait_for_shutdown()
        lifespan_nursery.cancel_scope.cancel()
