"""The storage interface the transcoder drives, and its error."""

from __future__ import annotations

from pathlib import Path
from typing import Final, Protocol

from owncast_cli.protocols.hls import MediaPlaylist
from owncast_cli.transcode.offline import OfflineClip

PLAYLIST_CONTENT_TYPE: Final = "application/x-mpegURL"
SEGMENT_CONTENT_TYPE: Final = "video/mp2t"
#: Players must refetch playlists every time (Owncast's value).
PLAYLIST_CACHE_CONTROL: Final = "no-cache, no-store, must-revalidate"
#: Segment names are unique per stream and restart, and the offline clip's name holds its
#: hash: a segment's bytes never change under its name, so caches may keep it.
SEGMENT_CACHE_CONTROL: Final = "public, max-age=31536000, immutable"


class StorageError(RuntimeError):
    """The storage cannot take the stream; the message says what to check."""


class Storage(Protocol):
    """Called by the transcoder, in order, as ffmpeg's files appear under ``hls_dir``."""

    name: str

    async def start(self) -> None:
        """Check the storage is usable before the first segment. Raises StorageError."""

    async def master_updated(self, master_text: str) -> None:
        """ffmpeg wrote the master playlist (relative URIs, as given here)."""

    async def variant_updated(self, index: int, playlist_path: Path, playlist: MediaPlaylist) -> None:
        """ffmpeg rewrote variant ``index``'s playlist: publish new segments, then the playlist."""

    async def offline(self, index: int, clip: OfflineClip | None, playlist_path: Path, closed_text: str) -> None:
        """The stream ended: put the clip (if any) where ``closed_text`` names it, then that playlist."""

    async def clear(self) -> None:
        """The stream has been offline long enough: delete what it left."""
