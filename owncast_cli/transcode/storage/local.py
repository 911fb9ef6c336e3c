"""Local storage: files stay in ``data/hls/`` for serve to send; the segment window is bounded."""

from __future__ import annotations

import logging
from pathlib import Path

from owncast_cli.protocols.hls import MediaPlaylist, parse_master_playlist, rewrite_master_urls
from owncast_cli.transcode.offline import OfflineClip
from owncast_cli.transcode.playlists import (
    LOCAL_MARGIN,
    SegmentWindow,
    clear_hls_dir,
    copy_atomic,
    master_playlist,
    remove_files,
    write_atomic,
)

logger = logging.getLogger("owncast.transcode.local")


class LocalStorage:
    """Keeps ``segment_count + 10`` segments per variant on disk, as Owncast's local cleanup does.

    With ``serving_endpoint`` set (a CDN in front of this server), the master playlist is
    rewritten with absolute URLs on it.
    """

    name = "local"

    def __init__(self, hls_dir: Path, segment_count: int, serving_endpoint: str = "") -> None:
        self.hls_dir = hls_dir
        self.serving_endpoint = serving_endpoint
        self.windows: dict[int, SegmentWindow] = {}
        self.keep = segment_count + LOCAL_MARGIN

    async def start(self) -> None:
        self.hls_dir.mkdir(parents=True, exist_ok=True)

    async def master_updated(self, master_text: str) -> None:
        path = master_playlist(self.hls_dir)
        text = master_text
        if self.serving_endpoint:
            text = rewrite_master_urls(master_text, self.serving_endpoint.rstrip("/") + "/hls/")
        try:
            current = path.read_text()
        except FileNotFoundError:
            current = None
        if current != text:  # also puts ffmpeg's relative master back after an S3 fallback
            parse_master_playlist(text)
            write_atomic(path, text)

    async def variant_updated(self, index: int, playlist_path: Path, playlist: MediaPlaylist) -> None:
        window = self.windows.setdefault(index, SegmentWindow(self.keep))
        update = window.update(playlist)
        if update.expired:
            remove_files(playlist_path.parent, update.expired)

    async def offline(self, index: int, clip: OfflineClip | None, playlist_path: Path, closed_text: str) -> None:
        playlist_path.parent.mkdir(parents=True, exist_ok=True)
        if clip is not None and not (target := playlist_path.parent / clip.uri).exists():
            copy_atomic(clip.path, target)
        write_atomic(playlist_path, closed_text)  # after the clip: never name a missing file

    async def clear(self) -> None:
        clear_hls_dir(self.hls_dir)
        self.windows.clear()
