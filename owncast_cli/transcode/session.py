"""One live stream's transcode: ffmpeg restarted on crashes, HLS handed to storage, thumbnails, offline."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import StreamStarted, TranscodeRestarted, TranscodeSegment, TranscodeStopped, TranscodeStorageError
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.protocols.hls import HlsError, MediaPlaylist, parse_master_playlist, parse_media_playlist
from owncast_cli.transcode import health
from owncast_cli.transcode.offline import OfflineClip
from owncast_cli.transcode.plan import Plan, segment_prefix
from owncast_cli.transcode.playlists import closed_playlist_text, master_playlist, variant_playlist
from owncast_cli.transcode.progress import Progress
from owncast_cli.transcode.storage import Storage, StorageError
from owncast_cli.transcode.storage.local import LocalStorage
from owncast_cli.transcode.supervisor import run_ffmpeg
from owncast_cli.transcode.thumbnails import INTERVAL_SECONDS, Thumbnailer

logger = logging.getLogger("owncast.transcode")

#: After the input ends (ffmpeg exits 0) this long is given to ``stream.stopped`` to arrive;
#: without it the stream is taken to be live still and ffmpeg is restarted.
STOP_EVENT_GRACE: Final = 3.0
#: After ``stream.stopped`` ffmpeg gets this long to drain the ingest socket and exit by itself.
FINISH_TIMEOUT: Final = 10.0
RESTART_BACKOFF_FIRST, RESTART_BACKOFF_MAX = 0.5, 10.0
#: An ffmpeg that ran this long without crashing restarts its backoff afresh.
STABLE_SECONDS: Final = 30.0

Publish = Callable[[BusEvent], Awaitable[None]]


@dataclass(frozen=True)
class StreamInfo:
    """What ``stream.started`` said about the input."""

    stream_id: str
    has_audio: bool = True
    has_video: bool = True

    @classmethod
    def from_event(cls, started: StreamStarted) -> StreamInfo:
        return cls(started.stream_id or "stream", started.has_audio, started.has_video)


@dataclass
class Paths:
    hls_dir: Path
    tmp_dir: Path
    log_path: Path
    ingest_socket: Path


class _FileWatch:
    """Notices a file's new versions by (mtime, size, inode); ffmpeg replaces files by renaming."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sig: tuple[int, int, int] | None = None

    def changed_text(self) -> str | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        sig = (st.st_mtime_ns, st.st_size, st.st_ino)
        if sig == self._sig:
            return None
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return None
        self._sig = sig
        return text


class Session:
    """Runs until the stream stops (then appends the offline clip) or the daemon stops."""

    def __init__(self, *, ffmpeg: FFmpegInfo, plan: Plan, stream: StreamInfo, storage: Storage, paths: Paths,
                 publish: Publish, record_health: Callable[[dict[str, Any]], Awaitable[None]],
                 clip: Callable[[], Awaitable[OfflineClip | None]], resume: bool = False) -> None:
        self.ffmpeg = ffmpeg
        self.plan = plan
        self.stream = stream
        self.storage = storage
        self.paths = paths
        self.publish = publish
        self.record_health = record_health
        self.clip = clip
        self.resume = resume
        self.ended = trio.Event()  # stream.stopped arrived
        self.done = trio.Event()  # everything finished, offline clip appended (if ended)
        self.restarts = 0
        self._shutdown = trio.Event()  # the daemon is stopping: no offline clip, no restart
        self._ffmpeg_done = trio.Event()
        self._new_best_segment = trio.Event()
        self._health_throttle = health.Throttle(health.PUBLISH_INTERVAL_SECONDS)
        self._storage_failed = False
        self._master_text: str | None = None
        self._watches = {-1: _FileWatch(master_playlist(paths.hls_dir))}
        for index in range(len(plan.variants)):
            self._watches[index] = _FileWatch(variant_playlist(paths.hls_dir, index))
        self._latest: dict[int, MediaPlaylist] = {}
        self._scan_lock = trio.Lock()

    @property
    def poll_interval(self) -> float:
        return min(0.5, self.plan.latency.seconds_per_segment / 4)

    def end(self) -> None:
        """The stream stopped: let ffmpeg finish, then close the playlists."""
        self.ended.set()

    def shutdown(self) -> None:
        """The daemon stops: ask ffmpeg to finish its segment, keep the playlists open."""
        self._shutdown.set()

    async def run(self) -> None:
        try:
            async with trio.open_nursery() as nursery:
                thumbnails = trio.CancelScope()
                nursery.start_soon(self._watch_files)
                nursery.start_soon(self._thumbnails, thumbnails)
                await self._supervise()
                self._ffmpeg_done.set()
                thumbnails.cancel()
            await self._scan()  # the segment ffmpeg wrote last
            if self.ended.is_set() and not self._shutdown.is_set():
                await self._go_offline()
        finally:
            self.done.set()

    # --- ffmpeg -----------------------------------------------------------------------------

    async def _supervise(self) -> None:
        append = self.resume
        streak = 0
        while not self._shutdown.is_set():
            argv = self.plan.argv(
                ffmpeg_path=self.ffmpeg.path, input_url=f"unix:{self.paths.ingest_socket}",
                output_dir=self.paths.hls_dir, prefix=segment_prefix(self.stream.stream_id, self.restarts),
                has_audio=self.stream.has_audio, has_video=self.stream.has_video, append=append)
            began = time.monotonic()
            code = await self._run_once(argv)
            if self.ended.is_set() or self._shutdown.is_set():
                return
            if code == 0:
                # The input ended cleanly: normally stream.stopped is on its way.
                with trio.move_on_after(STOP_EVENT_GRACE):
                    await self.ended.wait()
                if self.ended.is_set():
                    return
            streak = 1 if time.monotonic() - began > STABLE_SECONDS else streak + 1
            self.restarts += 1
            delay = min(RESTART_BACKOFF_MAX, RESTART_BACKOFF_FIRST * 2 ** (streak - 1))
            logger.error("ffmpeg exited with %s mid-stream; restart %d in %.1fs (its log: %s)", code,
                         self.restarts, delay, self.paths.log_path)
            await self.publish(TranscodeRestarted(self.stream.stream_id, code, self.restarts))
            with trio.move_on_after(delay):
                await self._shutdown.wait()
            # Continue the same playlists: ffmpeg's append_list adds #EXT-X-DISCONTINUITY.
            append = True

    async def _run_once(self, argv: list[str]) -> int | None:
        """Run ffmpeg; its exit status, or None when we stopped it (it got SIGTERM to finish)."""
        result: list[int] = []
        async with trio.open_nursery() as nursery:
            async def ffmpeg() -> None:
                result.append(await run_ffmpeg(argv, log_path=self.paths.log_path, on_progress=self._progress))
                nursery.cancel_scope.cancel()

            async def stop_after_end() -> None:
                await self.ended.wait()
                await trio.sleep(FINISH_TIMEOUT)  # normally ffmpeg exits at the socket's EOF first
                logger.warning("ffmpeg still running %.0fs after the stream stopped: stopping it", FINISH_TIMEOUT)
                nursery.cancel_scope.cancel()

            async def stop_on_shutdown() -> None:
                await self._shutdown.wait()
                nursery.cancel_scope.cancel()

            nursery.start_soon(ffmpeg)
            nursery.start_soon(stop_after_end)
            nursery.start_soon(stop_on_shutdown)
        return result[0] if result else None

    async def _progress(self, report: Progress) -> None:
        if not self._health_throttle.due(time.monotonic()) and not report.ended:
            return
        data = health.health_report(report, stream_id=self.stream.stream_id, restarts=self.restarts,
                                    ts=state.rfc3339())
        await self.record_health(data)

    # --- files ------------------------------------------------------------------------------

    async def _watch_files(self) -> None:
        while not self._ffmpeg_done.is_set():
            with trio.move_on_after(self.poll_interval):
                await self._ffmpeg_done.wait()
            await self._scan()

    async def _scan(self) -> None:
        async with self._scan_lock:
            master = self._watches[-1].changed_text()
            if master is not None:
                await self._on_master(master)
            for index in range(len(self.plan.variants)):
                text = self._watches[index].changed_text()
                if text is None:
                    continue
                try:
                    playlist = parse_media_playlist(text)
                except HlsError as exc:
                    logger.warning("variant %d playlist unreadable: %s", index, exc)
                    continue
                await self._on_variant(index, playlist)

    async def _on_master(self, text: str) -> None:
        try:
            master = parse_master_playlist(text)
        except HlsError as exc:
            logger.warning("master playlist unreadable: %s", exc)
            return
        if any("://" in v.uri for v in master.variants):
            return  # our own rewrite (absolute URLs), not a new one from ffmpeg
        self._master_text = text
        await self._store(lambda: self.storage.master_updated(text))

    async def _on_variant(self, index: int, playlist: MediaPlaylist) -> None:
        before = self._latest.get(index)
        self._latest[index] = playlist
        await self._store(lambda: self.storage.variant_updated(
            index, variant_playlist(self.paths.hls_dir, index), playlist))
        if index != self.plan.best_index or not playlist.segments:
            return
        newest = playlist.segments[-1]
        if before is not None and before.segments and before.segments[-1].uri == newest.uri:
            return
        self._new_best_segment.set()
        await self.publish(TranscodeSegment(
            stream_id=self.stream.stream_id, variant=index, uri=newest.uri, duration=newest.duration,
            media_sequence=playlist.media_sequence + len(playlist.segments) - 1))

    async def _store(self, action: Callable[[], Awaitable[None]]) -> None:
        try:
            await action()
        except StorageError as exc:
            await self._fall_back(str(exc))

    async def _fall_back(self, message: str) -> None:
        """Remote storage failed: serve from local disk rather than let the stream go dark."""
        if self._storage_failed:
            return
        self._storage_failed = True
        logger.error("storage %s failed: %s; serving HLS from local storage instead", self.storage.name, message)
        await self.publish(TranscodeStorageError(self.storage.name, message, "local"))
        local = LocalStorage(self.paths.hls_dir, self.plan.latency.segment_count)
        self.storage = local
        if self._master_text is not None:
            await local.master_updated(self._master_text)
        for index, playlist in self._latest.items():
            await local.variant_updated(index, variant_playlist(self.paths.hls_dir, index), playlist)

    # --- thumbnails and the end card --------------------------------------------------------

    async def _thumbnails(self, scope: trio.CancelScope) -> None:
        """Owncast's thumbnailer: from the first segment on, every 20 s while live."""
        thumbnailer = Thumbnailer(self.ffmpeg, self.paths.tmp_dir)
        with scope:
            while True:
                await self._new_best_segment.wait()
                self._new_best_segment = trio.Event()
                segment = self._newest_best_segment()
                if segment is not None:
                    await thumbnailer.make(segment)
                await trio.sleep(INTERVAL_SECONDS)

    def _newest_best_segment(self) -> Path | None:
        playlist = self._latest.get(self.plan.best_index)
        if playlist is None:
            return None
        directory = variant_playlist(self.paths.hls_dir, self.plan.best_index).parent
        for segment in reversed(playlist.segments):
            path = directory / segment.uri
            if path.is_file():
                return path
        return None

    async def _go_offline(self) -> None:
        clip = await self.clip()  # None: it could not be made (warned); the playlists still end
        for index in range(len(self.plan.variants)):
            path = variant_playlist(self.paths.hls_dir, index)
            text = closed_playlist_text(path, clip, self.plan.latency.seconds_per_segment)
            try:
                await self.storage.offline(index, clip, path, text)
            except StorageError as exc:
                await self._fall_back(str(exc))
                await self.storage.offline(index, clip, path, text)  # local now
        logger.info("stream %s ended: %d playlist(s) closed%s", self.stream.stream_id, len(self.plan.variants),
                    " after the offline clip" if clip is not None else " without an offline clip")
        await self.publish(TranscodeStopped(self.stream.stream_id, self.restarts))
