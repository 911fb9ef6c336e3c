"""HLS files on disk: atomic writes, the per-variant segment window, closing playlists offline."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from owncast_cli.protocols.hls import MediaPlaylist, Segment, append_endlist, append_offline, parse_media_playlist
from owncast_cli.transcode.argv import MASTER_PLAYLIST, VARIANT_PLAYLIST

if TYPE_CHECKING:
    from owncast_cli.transcode.offline import OfflineClip

#: Segments kept on local disk beyond the playlist (Owncast's local cleanup: segmentCount + 10).
LOCAL_MARGIN: Final = 10
_FILE_MODE: Final = 0o644


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``path`` so a reader sees the old file or the new one, never half of one."""
    raw = data.encode() if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes 0600; playlists are public
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def copy_atomic(source: Path, target: Path) -> None:
    """Copy a file into place atomically (temporary name in the target directory, then rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def variant_dir(hls_dir: Path, index: int) -> Path:
    return hls_dir / str(index)


def variant_playlist(hls_dir: Path, index: int) -> Path:
    return variant_dir(hls_dir, index) / VARIANT_PLAYLIST


def master_playlist(hls_dir: Path) -> Path:
    return hls_dir / MASTER_PLAYLIST


def read_media_playlist(path: Path) -> MediaPlaylist | None:
    """The playlist at ``path``, or None when it does not exist (yet)."""
    try:
        return parse_media_playlist(path.read_text())
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class WindowUpdate:
    """What one new version of a variant playlist changed."""

    new: tuple[Segment, ...]
    """Segments listed for the first time, oldest first."""
    expired: tuple[str, ...]
    """Segment URIs that fell out of the window: safe to delete."""


class SegmentWindow:
    """The segments one variant has listed, oldest first, bounded to ``keep``.

    Fed every version of the variant's playlist, it says which segments are new (to upload,
    to thumbnail) and which fell more than ``keep`` segments behind the newest (to delete).
    URIs are unique per stream (the segment prefix holds the stream id and restart count),
    so a name seen once is never listed again as new.
    """

    def __init__(self, keep: int) -> None:
        if keep < 1:
            raise ValueError("the window must keep at least one segment")
        self.keep = keep
        self._order: deque[str] = deque()
        self._seen: set[str] = set()

    def update(self, playlist: MediaPlaylist) -> WindowUpdate:
        new = tuple(s for s in playlist.segments if s.uri not in self._seen)
        for segment in new:
            self._order.append(segment.uri)
            self._seen.add(segment.uri)
        expired: list[str] = []
        while len(self._order) > self.keep:
            uri = self._order.popleft()
            self._seen.discard(uri)
            expired.append(uri)
        # Keep forgotten names from coming back as new: a playlist never lists a segment
        # older than its window, and ours is at least as long.
        return WindowUpdate(new, tuple(expired))

    @property
    def listed(self) -> tuple[str, ...]:
        return tuple(self._order)


def closed_playlist_text(path: Path, clip: OfflineClip | None, target_duration: int) -> str:
    """Variant playlist ``path`` with the offline clip (when there is one) and ``#EXT-X-ENDLIST``.

    A missing playlist (the stream ended before its first segment) gives one holding just
    the clip, so players still show the end card.
    """
    try:
        current: str | None = path.read_text()
    except FileNotFoundError:
        current = None
    if clip is None:
        return append_endlist(current, target_duration)
    return append_offline(current, clip.uri, clip.duration)


def clear_hls_dir(hls_dir: Path) -> None:
    """Delete every playlist and segment under ``hls_dir`` (the directory itself stays)."""
    if not hls_dir.is_dir():
        return
    for entry in hls_dir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            try:
                entry.unlink()
            except FileNotFoundError:
                pass


def remove_files(directory: Path, names: Iterable[str]) -> None:
    """Delete ``names`` inside ``directory``; names with a path separator are ignored."""
    for name in names:
        if "/" in name or name in ("", ".", ".."):
            continue
        try:
            (directory / name).unlink()
        except FileNotFoundError:
            pass
