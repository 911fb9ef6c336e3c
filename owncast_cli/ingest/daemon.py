"""``owncast ingest``: the RTMP listener, the one-broadcaster policy, and the stream's bus events."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import ConfigChanged, IngestDisconnect, IngestDropped, StreamStarted, StreamStopped
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.ingest.budget import BufferBudget
from owncast_cli.ingest.publisher import Publisher
from owncast_cli.ingest.relay import Relay, open_unix_listener

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.ingest")

LIVE_KEYS = ("stream_keys", "stream_takeover_grace_seconds", "stream_timeout_seconds", "rtmp_buffer_budget_bytes")


class Ingest:
    """Owns the live stream: who publishes, the relay to the transcoder, and the announcements."""

    def __init__(self, ctx: Context, nursery: trio.Nursery) -> None:
        self.ctx = ctx
        self.nursery = nursery
        self.relay = Relay(self._dropped)
        self.current: Publisher | None = None
        self._keys: list[str] = []
        self.grace = 3.0
        self.stream_timeout = 10.0
        # Every open connection, oldest first, with what it holds; the live publisher is exempt.
        self.budget: BufferBudget[Publisher] = BufferBudget(32 << 20, lambda p: p.live)

    async def load_settings(self) -> None:
        config = await self.ctx.config_values()
        override = self.ctx.settings.streamkey
        self._keys = [override] if override else [k["key"] for k in config["stream_keys"]]  # type: ignore[attr-defined]
        self.grace = float(config["stream_takeover_grace_seconds"])  # type: ignore[arg-type]
        self.stream_timeout = float(config["stream_timeout_seconds"])  # type: ignore[arg-type]
        self.budget.limit = int(config["rtmp_buffer_budget_bytes"])  # type: ignore[call-overload]

    def stream_keys(self) -> list[str]:
        return self._keys

    def claim(self, publisher: Publisher) -> str | None:
        """Make ``publisher`` the live one, or say why not (another encoder is live)."""
        current = self.current
        if current is not None and not current.finished.is_set():
            idle = current.idle_for()
            if idle < self.grace:
                return (f"another broadcaster ({current.remote}) is live and sent media {idle:.1f}s ago; "
                        f"a new publisher takes over after {self.grace:.0f}s of silence")
            logger.info("%s takes over from %s, silent for %.1fs", publisher.remote, current.remote, idle)
            current.evict("replaced by a new publisher")
            publisher.replaces = current
        self.current = publisher
        return None

    def account(self, publisher: Publisher) -> None:
        """After each read: while all connections together hold more than the budget, close the
        newest ones (not the live publisher)."""
        for victim in self.budget.update(publisher, publisher.conn.buffered):
            logger.warning("closed the connection from %s: it held %d bytes and all RTMP connections "
                           "together were over rtmp_buffer_budget_bytes (%d); the newest is closed first",
                           victim.remote, victim.conn.buffered, self.budget.limit)
            victim.evict("over the buffer budget")

    async def announce(self, publisher: Publisher) -> None:
        if publisher.replaces is not None:  # the replaced stream stops before this one starts
            await publisher.replaces.finished.wait()
        publisher.announced = True
        cache = publisher.cache
        self.relay.start(cache.preamble)
        assert publisher.broadcaster is not None
        b = publisher.broadcaster
        started = StreamStarted(stream_id=publisher.stream_id, has_video=cache.has_video,
                                has_audio=cache.has_audio, remote_addr=publisher.remote,
                                time=state.rfc3339(b.connected_at), stream_details=b.details())
        db = self.ctx.db

        def record() -> list[BusEvent]:
            stream = state.stream(db)
            stream.update(online=True, lastConnectTime=started.time, streamId=publisher.stream_id,
                          broadcaster={"remoteAddr": started.remote_addr, "time": started.time,
                                       "streamDetails": started.stream_details})
            state.put(db, state.STREAM, stream)
            return []

        await self.ctx.bus.publish_many([started], effect=record)
        logger.info("stream %s started: %s", publisher.stream_id, started.stream_details)

    async def finish(self, publisher: Publisher) -> None:
        """A connection ended; if it was the live stream, the stream stops."""
        self.budget.remove(publisher)
        if self.current is publisher:
            self.current = None
        if not publisher.announced:
            if publisher.live:
                logger.info("%s stopped publishing before sending decodable media (%s)",
                            publisher.remote, publisher.end_reason)
            return
        self.relay.end()
        await self._publish_stopped(publisher.stream_id, publisher.end_reason)

    async def clear_stale_stream(self) -> None:
        """A previous ingest died while live (SIGKILL, power cut) and could not say the stream
        stopped: say it now, before a new publisher can start one, so subscribers (transcode,
        webhooks, chat) see the stop and the next start."""
        db = self.ctx.db
        stale = await db.run(lambda: state.get(db, state.STREAM) or {})
        if stale.get("online"):
            logger.warning("stream %s was still marked live by an ingest that is gone: stopping it",
                           stale.get("streamId"))
            await self._publish_stopped(str(stale.get("streamId") or ""), "ingest restarted")

    async def _publish_stopped(self, stream_id: str, reason: str) -> None:
        now = time.time()
        db = self.ctx.db

        def record() -> Sequence[BusEvent]:
            stream = state.stream(db)
            stream.update(online=False, lastDisconnectTime=state.rfc3339(now), broadcaster=None)
            state.put(db, state.STREAM, stream)
            store = self.ctx.config
            return store.apply(store.plan({"last_disconnect_time": state.rfc3339(now)}))

        await self.ctx.bus.publish_many([StreamStopped(stream_id, reason)], effect=record)
        logger.info("stream %s stopped: %s", stream_id, reason)

    def _dropped(self, size: int) -> None:
        logger.warning("the transcoder fell behind: dropped %d bytes of media up to a keyframe", size)
        self.nursery.start_soon(self.ctx.bus.publish, IngestDropped(size))

    async def watch_config(self) -> None:
        async with self.ctx.bus.subscribe(types=[ConfigChanged, IngestDisconnect]) as sub:
            async for _event, body in sub.decoded():
                if isinstance(body, IngestDisconnect):
                    self.disconnect(body.reason or "disconnected by the admin")
                elif isinstance(body, ConfigChanged) and body.key in LIVE_KEYS:
                    await self.load_settings()

    def disconnect(self, reason: str) -> None:
        """The admin ended the stream (``/api/admin/disconnect``): close the live publisher."""
        current = self.current
        if current is not None and not current.finished.is_set():
            logger.info("disconnecting %s: %s", current.remote, reason)
            current.evict(reason)

    async def handle(self, stream: trio.SocketStream) -> None:
        try:
            host, port = stream.socket.getpeername()[:2]
            remote = f"{host}:{port}"
        except OSError:
            remote = "unknown"
        await self.serve_connection(stream, remote)

    async def serve_connection(self, stream: trio.abc.Stream, remote: str) -> None:
        """Run one RTMP connection to its end (tests pass in-memory streams)."""
        publisher = Publisher(self, stream, remote)
        self.budget.add(publisher)
        await publisher.run()


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    settings = ctx.settings
    host = settings.rtmp_host or str(await ctx.get_config("rtmp_listen_address"))
    port = settings.rtmp_port if settings.rtmp_port is not None else int(await ctx.get_config("rtmp_port_number"))  # type: ignore[call-overload]
    sock_path = settings.socket_path("ingest")
    async with trio.open_nursery() as nursery:
        ingest = Ingest(ctx, nursery)
        await ingest.load_settings()
        await ingest.clear_stale_stream()
        rtmp_listeners = await trio.open_tcp_listeners(port, host=host)
        relay_listener = await open_unix_listener(sock_path)
        bound = rtmp_listeners[0].socket.getsockname()
        shown_host = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        nursery.start_soon(trio.serve_listeners, ingest.handle, rtmp_listeners)
        nursery.start_soon(trio.serve_listeners, ingest.relay.handle_reader, [relay_listener])
        nursery.start_soon(ingest.watch_config)
        logger.info("RTMP on rtmp://%s:%d/live, FLV for the transcoder on %s", shown_host, bound[1], sock_path)
        task_status.started([f"rtmp://{shown_host}:{bound[1]}", f"unix:{sock_path}"])
        await ctx.stopping.wait()
        if ingest.current is not None:
            ingest.current.evict("server shutting down")
            with trio.move_on_after(2):
                await ingest.current.finished.wait()
        nursery.cancel_scope.cancel()
    try:
        sock_path.unlink()
    except FileNotFoundError:
        pass
