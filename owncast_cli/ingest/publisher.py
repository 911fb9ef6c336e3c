"""One RTMP connection: handshake, the publish decision, media into the cache and the relay."""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING

import trio

from owncast_cli.ingest import keys
from owncast_cli.ingest.broadcaster import Broadcaster
from owncast_cli.ingest.flvcache import FLVCache
from owncast_cli.protocols.rtmp import (
    AudioReceived,
    Event,
    MetadataReceived,
    PlayRequested,
    PublishRequested,
    RTMPProtocolError,
    RTMPServerConnection,
    StreamClosed,
    StreamDeleted,
    UnpublishRequested,
    VideoReceived,
    parse_audio_tag,
    parse_video_tag,
)

if TYPE_CHECKING:
    from owncast_cli.ingest.daemon import Ingest

logger = logging.getLogger("owncast.ingest")

# Every duration here is measured on trio's clock (trio.current_time, cancel-scope deadlines),
# so tests run them on trio.testing.MockClock instead of waiting.
#: A connection that has not started publishing within this long is closed.
SETUP_TIMEOUT = 10.0
#: Announce the stream after this long even if a track's decoder config never came.
ANNOUNCE_AFTER = 3.0
RECEIVE_SIZE = 64 << 10
#: The no-media deadline is moved at most this often (seconds).
DEADLINE_STEP = 0.5


class Publisher:
    """Runs one accepted TCP connection to its end; at most one of them is the live stream."""

    def __init__(self, ingest: Ingest, stream: trio.abc.Stream, remote: str) -> None:
        self.ingest = ingest
        self.stream = stream
        self.remote = remote
        self.conn = RTMPServerConnection()
        self.cache = FLVCache()
        self.broadcaster: Broadcaster | None = None
        self.stream_id = ""
        self.accepted_at = 0.0
        self.last_media = trio.current_time()
        self.announced = False
        self.end_reason = "disconnected"
        self.scope = trio.CancelScope()
        self.finished = trio.Event()
        self.replaces: Publisher | None = None  # the silent publisher this one took over from
        self.ending = False  # the encoder unpublished: finish this batch of events, then stop

    @property
    def live(self) -> bool:
        return self.broadcaster is not None

    def idle_for(self) -> float:
        return trio.current_time() - self.last_media

    def evict(self, reason: str) -> None:
        self.end_reason = reason
        self.scope.cancel()

    async def run(self) -> None:
        try:
            with self.scope:
                await self._loop()
        except RTMPProtocolError as exc:
            logger.warning("closed the connection from %s: RTMP protocol error: %s", self.remote, exc)
            self.end_reason = "protocol error"
        finally:
            with trio.CancelScope(shield=True):
                await self.ingest.finish(self)
                await self.stream.aclose()
                self.finished.set()

    async def _loop(self) -> None:
        # One cancel scope for the connection's life, its deadline moved as media arrives (at
        # most every DEADLINE_STEP), rather than a new scope for every receive.
        with trio.CancelScope(deadline=trio.current_time() + SETUP_TIMEOUT) as timer:
            await self._receive_until_done(timer)
        if timer.cancelled_caught:
            self.end_reason = "timeout"
            what = "no media" if self.live else "no publish"
            logger.warning("closed the connection from %s: %s for %.0fs", self.remote, what,
                           self.ingest.stream_timeout if self.live else SETUP_TIMEOUT)

    async def _receive_until_done(self, timer: trio.CancelScope) -> None:
        conn = self.conn
        moved_at = 0.0
        while True:
            try:
                data = await self.stream.receive_some(RECEIVE_SIZE)
            except trio.BrokenResourceError:
                data = b""  # a reset (SIGKILLed encoder) ends the stream like a close does
            conn.receive_data(data)
            for event in conn.events():
                await self._on_event(event)
            if self.announced:
                self.ingest.relay.flush()
            self.ingest.account(self)
            out = conn.data_to_send()
            if out:
                try:
                    await self.stream.send_all(out)
                except trio.BrokenResourceError:
                    return
            if not data or conn.closing or self.ending:
                return
            if self.live:
                if not self.announced and trio.current_time() - self.accepted_at > ANNOUNCE_AFTER:
                    await self.ingest.announce(self)  # a track's decoder config never came
                if self.last_media - moved_at > DEADLINE_STEP:
                    moved_at = self.last_media
                    timer.deadline = trio.current_time() + self.ingest.stream_timeout - self.idle_for()

    async def _on_event(self, event: Event) -> None:
        if isinstance(event, (VideoReceived, AudioReceived)):
            if isinstance(event, VideoReceived):
                self._on_video(event)
            else:
                self._on_audio(event)
            # Announce at the first moment the stream can be decoded, in event order: a short
            # stream may arrive in one read together with its unpublish.
            if self.broadcaster is not None and not self.announced and self.broadcaster.ready():
                await self.ingest.announce(self)
        elif isinstance(event, MetadataReceived):
            if self.broadcaster is not None:
                self.broadcaster.on_metadata(event.metadata)
                tag = self.cache.metadata_tag(event.timestamp, event.raw_body)
                if self.announced:
                    self.ingest.relay.push(tag, keyframe=False)
        elif isinstance(event, PublishRequested):
            self._on_publish(event)
        elif isinstance(event, (UnpublishRequested, StreamDeleted, StreamClosed)):
            if self.live:
                self.end_reason = "unpublished"
                self.ending = True
        elif isinstance(event, PlayRequested):
            logger.info("refused to play to %s: this server only accepts publishing", self.remote)

    def _on_publish(self, event: PublishRequested) -> None:
        # Decided before the next event is pulled, as the protocol requires.
        verdict = keys.check(event.app, event.stream_name, self.ingest.stream_keys())
        if not verdict.ok:
            logger.warning("refused a publish from %s: %s", self.remote, verdict.reason)
            self.conn.reject_publish("Invalid stream key.")
            return
        refusal = self.ingest.claim(self)
        if refusal:
            logger.warning("refused a publish from %s: %s", self.remote, refusal)
            self.conn.reject_publish(refusal, code="NetStream.Publish.BadName")
            return
        self.conn.accept_publish()
        self.broadcaster = Broadcaster(self.remote, time.time())
        self.stream_id = secrets.token_hex(6)
        self.accepted_at = self.last_media = trio.current_time()
        logger.info("%s started publishing (app %r)", self.remote, event.app)

    def _on_video(self, event: VideoReceived) -> None:
        if self.broadcaster is None:
            return
        self.last_media = trio.current_time()
        info = parse_video_tag(event.payload)
        keyframe = bool(info and info.keyframe and not info.sequence_header)
        tag = self.cache.video_tag(event.timestamp, event.payload, keyframe=keyframe,
                                   config=bool(info and info.sequence_header))
        self.broadcaster.on_video(event.timestamp, event.payload)
        if self.announced:
            self.ingest.relay.push(tag, keyframe=keyframe)

    def _on_audio(self, event: AudioReceived) -> None:
        if self.broadcaster is None:
            return
        self.last_media = trio.current_time()
        info = parse_audio_tag(event.payload)
        tag = self.cache.audio_tag(event.timestamp, event.payload,
                                   config=bool(info and info.sequence_header))
        self.broadcaster.on_audio(event.timestamp, event.payload)
        if self.announced:
            # Audio-only streams have no keyframes: any audio frame is a place to resume.
            self.ingest.relay.push(tag, keyframe=not self.cache.has_video)
