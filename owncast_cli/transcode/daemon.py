"""``owncast transcode``: one supervised ffmpeg per stream, from ``run/ingest.sock`` to HLS."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import (
    StreamStarted,
    StreamStopped,
    TranscodeCleared,
    TranscodeHealth,
    TranscodeStarted,
    TranscodeStorageError,
    TranscodeWarning,
)
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.media.ffmpeg import FFmpegError, FFmpegInfo, load_ffmpeg
from owncast_cli.transcode import health
from owncast_cli.transcode.offline import OfflineClip, OfflineClipError, resolve_clip
from owncast_cli.transcode.plan import Plan, plan_from_config
from owncast_cli.transcode.playlists import clear_hls_dir
from owncast_cli.transcode.session import Paths, Session, StreamInfo
from owncast_cli.transcode.storage import Storage, StorageError
from owncast_cli.transcode.storage.local import LocalStorage
from owncast_cli.transcode.storage.s3 import S3Storage

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.transcode")

STREAM_EVENTS = (StreamStarted, StreamStopped)
#: On SIGTERM ffmpeg gets this long to finish its segment (the runner's grace period is 3 s).
SHUTDOWN_SECONDS = 2.5


class TranscodeError(RuntimeError):
    """The transcoder cannot start; the message says how to fix it."""


class Transcoder:
    """Turns stream events into sessions, and clears an ended stream's files after a while."""

    def __init__(self, ctx: Context, ffmpeg: FFmpegInfo, nursery: trio.Nursery) -> None:
        self.ctx = ctx
        self.ffmpeg = ffmpeg
        self.nursery = nursery
        settings = ctx.settings
        self.paths = Paths(settings.hls_dir, settings.tmp_dir, settings.log_dir / "transcoder.log",
                           settings.socket_path("ingest"))
        self.session: Session | None = None
        self.storage: Storage | None = None  # the storage of the last stream, until cleared
        self._cleanup: trio.CancelScope | None = None

    async def publish(self, event: BusEvent) -> None:
        await self.ctx.bus.publish(event)

    async def record_health(self, data: dict[str, Any]) -> None:
        db = self.ctx.db

        def effect() -> None:
            state.put(db, health.HEALTH_STATE_KEY, data)

        await self.ctx.bus.publish_many([TranscodeHealth.from_data(data)], effect=effect)

    # --- events -------------------------------------------------------------------------------

    async def handle(self, event: BusEvent) -> None:
        if isinstance(event, StreamStarted):
            await self.start(StreamInfo.from_event(event), resume=False)
        elif isinstance(event, StreamStopped) and self.session is not None:
            if event.stream_id == self.session.stream.stream_id:
                self.session.end()

    async def resume_if_live(self) -> None:
        """After a restart of this daemon mid-stream, pick the stream up and continue its playlists."""
        db = self.ctx.db
        if not await db.run(lambda: state.stream(db).get("online")):
            return
        started = await self.ctx.bus.latest(StreamStarted)
        if started is not None:
            logger.info("stream %s is live: resuming its transcode", started.stream_id)
            await self.start(StreamInfo.from_event(started), resume=True)

    async def start(self, stream: StreamInfo, *, resume: bool) -> None:
        if self.session is not None:
            self.session.end()
            await self.session.done.wait()
        if self._cleanup is not None:
            self._cleanup.cancel()
            self._cleanup = None
        values = await self.ctx.config_values()
        plan = plan_from_config(values, self.ffmpeg)
        if plan.warning:
            logger.error("%s", plan.warning)
            await self.publish(TranscodeWarning(stream.stream_id, plan.warning))
        if not resume:
            await self._clear_previous()
        storage = await self._open_storage(values, plan, stream)
        self.storage = storage
        clip = _ClipCache(self, plan, str(values.get("offline_clip_path") or ""))
        self.nursery.start_soon(clip.prepare)
        session = Session(ffmpeg=self.ffmpeg, plan=plan, stream=stream, storage=storage, paths=self.paths,
                          publish=self.publish, record_health=self.record_health, clip=clip.get, resume=resume)
        self.session = session
        await self.publish(TranscodeStarted(
            stream_id=stream.stream_id, variants=[v.to_json() for v in plan.variants],
            latency_level=plan.latency.level, codec=plan.codec, storage=storage.name))
        self.nursery.start_soon(self._run, session)

    async def _run(self, session: Session) -> None:
        await session.run()
        if self.session is session:
            self.session = None
        if session.ended.is_set() and not self.ctx.stopping.is_set():
            delay = float(await self.ctx.get_config("hls_offline_cleanup_seconds"))  # type: ignore[arg-type]
            self.nursery.start_soon(self._clear_later, session.storage, delay)

    async def _clear_later(self, storage: Storage, delay: float) -> None:
        scope = trio.CancelScope()
        self._cleanup = scope
        with scope:
            await trio.sleep(delay)
            await self._clear(storage)
            logger.info("offline for %.0fs: HLS files cleared", delay)
            await self.publish(TranscodeCleared(delay))

    async def _clear_previous(self) -> None:
        if self.storage is not None:
            await self._clear(self.storage)
            self.storage = None
        else:
            clear_hls_dir(self.paths.hls_dir)  # left by an earlier run of the daemon

    async def _clear(self, storage: Storage) -> None:
        try:
            await storage.clear()
        except StorageError as exc:
            logger.warning("could not delete the ended stream from %s: %s", storage.name, exc)
            clear_hls_dir(self.paths.hls_dir)
        if self.storage is storage:
            self.storage = None

    async def _open_storage(self, values: dict[str, Any], plan: Plan, stream: StreamInfo) -> Storage:
        endpoint = str(values.get("video_serving_endpoint") or "")
        local = LocalStorage(self.paths.hls_dir, plan.latency.segment_count, endpoint)
        await local.start()
        s3: dict[str, Any] = dict(values.get("s3_storage_config") or {})
        if not s3.get("enabled"):
            return local
        remote = S3Storage(s3, self.paths.hls_dir, segment_seconds=plan.latency.seconds_per_segment,
                           segment_count=plan.latency.segment_count, video_serving_endpoint=endpoint,
                           warn=lambda message: self.nursery.start_soon(
                               self.publish, TranscodeWarning(stream.stream_id, message)))
        try:
            await remote.start()
        except StorageError as exc:
            message = str(exc)
            logger.error("S3 storage unusable: %s; serving HLS from local storage instead", message)
            await self.publish(TranscodeStorageError("s3", message, "local"))
            return local
        return remote

    async def shutdown(self) -> None:
        session = self.session
        if session is not None:
            session.shutdown()
            with trio.move_on_after(SHUTDOWN_SECONDS):
                await session.done.wait()


class _ClipCache:
    """Resolves the offline clip in the background when a stream starts, so the end is quick.

    The clip is optional: when it cannot be made, one warning names the ffmpeg and the
    reason, and the stream still ends properly (its playlists get ``#EXT-X-ENDLIST``).
    """

    def __init__(self, transcoder: Transcoder, plan: Plan, configured: str) -> None:
        self.transcoder = transcoder
        self.seconds = plan.latency.seconds_per_segment
        self.configured = configured
        self.ready = trio.Event()
        self.clip: OfflineClip | None = None

    async def prepare(self) -> None:
        t = self.transcoder
        try:
            self.clip, notice = await trio.to_thread.run_sync(
                resolve_clip, t.ffmpeg, self.configured, t.paths.tmp_dir, self.seconds)
            if notice:  # the configured clip was refused (ours is used) or cut to a segment's length
                logger.warning("%s", notice)
                await t.publish(TranscodeWarning(None, notice))
        except (OfflineClipError, OSError) as exc:
            reason = str(exc) if isinstance(exc, OfflineClipError) else f"{t.ffmpeg.name}: the offline clip: {exc}"
            message = f"{reason}; streams end without an offline clip"
            logger.warning("%s", message)
            await t.publish(TranscodeWarning(None, message))
        finally:
            self.ready.set()

    async def get(self) -> OfflineClip | None:
        await self.ready.wait()
        return self.clip


async def check_ffmpeg(ctx: Context) -> FFmpegInfo:
    """Find ffmpeg, learn what it can do, and record it (``owncast status``, admin ``supportedCodecs``).

    Raises:
        TranscodeError: no usable ffmpeg; the message says how to fix it.
    """
    configured = str(await ctx.get_config("ffmpeg_path") or "")
    flag = ctx.settings.ffmpeg
    try:
        info = await trio.to_thread.run_sync(lambda: load_ffmpeg(
            configured or None, flag_path=flag, cache_dir=ctx.settings.tmp_dir))
    except FFmpegError as exc:
        raise TranscodeError(str(exc)) from None
    described = {"ffmpegPath": info.path, "ffmpegVersion": info.version, "source": info.source.value,
                 "supportedCodecs": [c.value for c in info.h264_encoders]}
    db = ctx.db
    await db.run_write(lambda: state.put(db, health.TRANSCODER_STATE_KEY, described))
    return info


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    ffmpeg = await check_ffmpeg(ctx)
    ctx.settings.hls_dir.mkdir(parents=True, exist_ok=True)
    logger.info("ffmpeg %s at %s (from %s); encoders: %s", ffmpeg.version, ffmpeg.path, ffmpeg.source.described,
                ", ".join(c.value for c in ffmpeg.h264_encoders))
    async with trio.open_nursery() as nursery:
        transcoder = Transcoder(ctx, ffmpeg, nursery)
        async with ctx.bus.subscribe(types=STREAM_EVENTS) as sub:
            await transcoder.resume_if_live()
            task_status.started([f"ffmpeg {ffmpeg.version}", f"reads unix:{transcoder.paths.ingest_socket}"])

            async def consume() -> None:
                async for _event, body in sub.decoded():
                    await transcoder.handle(body)

            nursery.start_soon(consume)
            await ctx.stopping.wait()
            await transcoder.shutdown()
            nursery.cancel_scope.cancel()
