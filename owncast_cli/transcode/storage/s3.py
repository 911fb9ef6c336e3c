"""S3-compatible storage (boto3): segment before playlist, bounded bucket, local copies removed."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import trio

from owncast_cli.protocols.hls import MediaPlaylist, rewrite_master_urls
from owncast_cli.s3client import DEFAULT_ACL, describe_error, make_client, object_prefix, serving_base_url
from owncast_cli.transcode.offline import OfflineClip
from owncast_cli.transcode.playlists import SegmentWindow, clear_hls_dir, master_playlist, remove_files, write_atomic
from owncast_cli.transcode.storage.base import (
    PLAYLIST_CACHE_CONTROL,
    PLAYLIST_CONTENT_TYPE,
    SEGMENT_CACHE_CONTROL,
    SEGMENT_CONTENT_TYPE,
    StorageError,
)

logger = logging.getLogger("owncast.transcode.s3")

#: Owncast's remote cleanup keeps the newest segmentCount + 20 segments per variant.
REMOTE_MARGIN: Final = 20
#: S3 DeleteObjects takes at most 1000 keys per request.
DELETE_BATCH: Final = 1000
#: Owncast: up to 4 attempts per upload.
ATTEMPTS: Final = 4
#: A warning when uploads average more than this share of a segment's duration (Owncast: 90 %).
SLOW_UPLOAD_SHARE: Final = 0.9
SLOW_WARNING_EVERY_SECONDS: Final = 60.0
_UPLOAD_SAMPLES: Final = 10

Warn = Callable[[str], None]


class S3Storage:
    """Uploads what ffmpeg writes, in an order that never lets a playlist name a missing object."""

    name = "s3"

    def __init__(self, config: Mapping[str, Any], hls_dir: Path, *, segment_seconds: float, segment_count: int,
                 video_serving_endpoint: str = "", warn: Warn | None = None, client: Any = None,
                 backoff: float = 0.25, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.bucket = str(config["bucket"])
        self.prefix = object_prefix(str(config.get("pathPrefix") or ""))
        self.acl = str(config.get("acl") or DEFAULT_ACL)
        self.hls_dir = hls_dir
        self.segment_seconds = segment_seconds
        self.base_url = serving_base_url(config, video_serving_endpoint)
        self.warn = warn or (lambda message: None)
        self.client = client
        self.backoff = backoff
        self.clock = clock
        self.remote_keep = segment_count + REMOTE_MARGIN
        # Uploaded segments stay on local disk only while the local playlist still lists them:
        # bounded (Owncast kept every one and filled disks, #3230), and if S3 fails mid-stream
        # the fallback to local storage serves every listed segment (the newest also feed the
        # thumbnailer).
        self.local_keep = segment_count
        self.windows: dict[int, SegmentWindow] = {}
        self.local: dict[int, deque[str]] = {}
        self.uploaded: set[str] = set()
        self.upload_seconds: deque[float] = deque(maxlen=_UPLOAD_SAMPLES)
        self._last_warning: float | None = None

    def key(self, relative: str) -> str:
        return self.prefix + relative

    # --- blocking calls, run in worker threads ------------------------------------------------

    def _put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type,
                               CacheControl=cache_control, ACL=self.acl)

    def _delete(self, keys: list[str]) -> None:
        for start in range(0, len(keys), DELETE_BATCH):
            batch = keys[start:start + DELETE_BATCH]
            self.client.delete_objects(Bucket=self.bucket,
                                       Delete={"Objects": [{"Key": k} for k in batch], "Quiet": True})

    async def _call(self, what: str, fn: Callable[..., None], *args: Any) -> None:
        delay = self.backoff
        for attempt in range(1, ATTEMPTS + 1):
            try:
                await trio.to_thread.run_sync(fn, *args)
                return
            except Exception as exc:  # boto raises many kinds; all mean "not stored"
                if attempt == ATTEMPTS or not _retryable(exc):
                    raise StorageError(describe_error(exc, self.config)) from exc
                logger.info("%s failed (attempt %d of %d): %s; retrying in %.2fs", what, attempt, ATTEMPTS,
                            exc, delay)
                await trio.sleep(delay)
                delay *= 2

    async def _upload_file(self, key: str, path: Path, content_type: str, cache_control: str) -> None:
        body = path.read_bytes()
        await self._call(f"upload {key}", self._put, key, body, content_type, cache_control)
        self.uploaded.add(key)

    async def _upload_text(self, key: str, text: str) -> None:
        await self._call(f"upload {key}", self._put, key, text.encode(), PLAYLIST_CONTENT_TYPE,
                         PLAYLIST_CACHE_CONTROL)
        self.uploaded.add(key)

    # --- the Storage interface ----------------------------------------------------------------

    async def start(self) -> None:
        if self.client is None:
            try:
                self.client = await trio.to_thread.run_sync(make_client, self.config)
            except Exception as exc:
                raise StorageError(describe_error(exc, self.config)) from exc

        def check() -> None:
            self.client.head_bucket(Bucket=self.bucket)

        # One attempt: a wrong endpoint or key is reported now, not after a stream of retries.
        try:
            await trio.to_thread.run_sync(check)
        except Exception as exc:
            raise StorageError(describe_error(exc, self.config)) from exc

    async def master_updated(self, master_text: str) -> None:
        rewritten = rewrite_master_urls(master_text, self.base_url)
        # serve sends the master from data/hls; the bucket gets a copy for CDN-only set-ups.
        write_atomic(master_playlist(self.hls_dir), rewritten)
        await self._upload_text(self.key("stream.m3u8"), rewritten)

    async def variant_updated(self, index: int, playlist_path: Path, playlist: MediaPlaylist) -> None:
        window = self.windows.setdefault(index, SegmentWindow(self.remote_keep))
        local = self.local.setdefault(index, deque())
        began = self.clock()
        update = window.update(playlist)
        directory = playlist_path.parent
        uploaded_any = False
        for segment in update.new:
            path = directory / segment.uri
            if not path.is_file():
                continue  # already gone (listed before a restart that we did not see)
            await self._upload_file(self.key(f"{index}/{segment.uri}"), path, SEGMENT_CONTENT_TYPE,
                                    SEGMENT_CACHE_CONTROL)
            local.append(segment.uri)
            uploaded_any = True
        # Only now the playlist: every segment it names is in the bucket.
        await self._upload_text(self.key(f"{index}/stream.m3u8"), playlist.serialise())
        if uploaded_any:
            self._timed(self.clock() - began)
        stale = [local.popleft() for _ in range(max(0, len(local) - self.local_keep))]
        remove_files(directory, stale)
        if update.expired:
            keys = [self.key(f"{index}/{uri}") for uri in update.expired]
            await self._call("delete old segments", self._delete, keys)
            self.uploaded.difference_update(keys)

    def _timed(self, seconds: float) -> None:
        self.upload_seconds.append(seconds)
        mean = sum(self.upload_seconds) / len(self.upload_seconds)
        limit = SLOW_UPLOAD_SHARE * self.segment_seconds
        if mean <= limit:
            return
        now = self.clock()
        if self._last_warning is not None and now - self._last_warning < SLOW_WARNING_EVERY_SECONDS:
            return
        self._last_warning = now
        self.warn(f"uploads to S3 take {mean:.2f}s on average, more than 90% of the {self.segment_seconds:g}s "
                  "segment length: viewers will stall; lower the bitrate or use a closer endpoint")

    async def offline(self, index: int, clip: OfflineClip | None, playlist_path: Path, closed_text: str) -> None:
        if clip is not None:
            await self._upload_file(self.key(f"{index}/{clip.uri}"), clip.path, SEGMENT_CONTENT_TYPE,
                                    SEGMENT_CACHE_CONTROL)
        await self._upload_text(self.key(f"{index}/stream.m3u8"), closed_text)
        playlist_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(playlist_path, closed_text)

    async def clear(self) -> None:
        keys = sorted(self.uploaded)
        if keys:
            await self._call("delete the ended stream", self._delete, keys)
        self.uploaded.clear()
        self.windows.clear()
        self.local.clear()
        clear_hls_dir(self.hls_dir)


def _retryable(exc: BaseException) -> bool:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500 or status in (408, 429)  # 4xx (bad key, no bucket) will not get better
    return True

