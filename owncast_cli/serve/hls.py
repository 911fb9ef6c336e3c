"""HLS delivery rules: which files under ``data/hls`` are served, with which headers.

Owncast's ``webserver/handlers/hls.go``: playlists are ``application/x-mpegURL`` and never cached,
segments are cached for long (their names are never reused within a stream), CORS is open, and
path traversal is refused. With S3 storage only the master playlist (rewritten to the bucket or
CDN) is served locally.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from owncast_cli.serve.files import FilePlan, Refused, confine, plan

PLAYLIST_TYPE: Final = "application/x-mpegURL"
#: Segment and init-section types by extension (Debian's mime.types maps .ts to Qt Linguist).
MEDIA_TYPES: Final[dict[str, str]] = {
    ".ts": "video/mp2t",
    ".m4s": "video/iso.segment",
    ".mp4": "video/mp4",
}
PLAYLIST_CACHE: Final = "no-cache, no-store, must-revalidate"
#: Segments are immutable once written; a day is plenty for a live window.
SEGMENT_CACHE: Final = "public, max-age=86400, immutable"
CORS: Final[dict[str, str]] = {"Access-Control-Allow-Origin": "*"}
MASTER: Final = "stream.m3u8"


@dataclass(frozen=True)
class HlsRequest:
    """The outcome of one ``/hls/...`` request: the file plan, and whether it was a playlist."""

    plan: FilePlan
    is_playlist: bool


@dataclass(frozen=True)
class HlsKind:
    """How a file under ``/hls/`` is served: its type and caching, and whether viewers count it."""

    content_type: str
    cache_control: str
    is_playlist: bool


PLAYLIST_KIND: Final = HlsKind(PLAYLIST_TYPE, PLAYLIST_CACHE, True)
MEDIA_KINDS: Final[dict[str, HlsKind]] = {
    suffix: HlsKind(media_type, SEGMENT_CACHE, False) for suffix, media_type in MEDIA_TYPES.items()
}


def hls_kind(relative: str, *, s3: bool = False) -> HlsKind:
    """What ``/hls/<relative>`` is, by name alone (no file access).

    Raises:
        Refused: not a name we serve (answer 404): another extension, or with S3 storage
            anything but the master playlist.
    """
    suffix = Path(relative).suffix.lower()
    if suffix == ".m3u8":
        if s3 and relative != MASTER:
            raise Refused(relative)
        return PLAYLIST_KIND
    kind = MEDIA_KINDS.get(suffix)
    if kind is None or s3:
        raise Refused(relative)
    return kind


def serve_hls(hls_dir: Path, relative: str, *, method: str, headers: dict[str, str],
              s3: bool = False) -> HlsRequest:
    """Plan the answer to ``GET/HEAD /hls/<relative>``.

    Args:
        hls_dir: ``data/hls``.
        relative: the path below ``/hls/`` as received.
        method: ``GET`` or ``HEAD``.
        headers: request headers, lower-case names.
        s3: True when segments live in object storage (only the master playlist is local).
    Raises:
        Refused: not an HLS file we serve (answer 404).
    """
    kind = hls_kind(relative, s3=s3)
    path = confine(hls_dir, relative)
    return HlsRequest(plan(path, method=method, headers=headers, content_type=kind.content_type,
                           cache_control=kind.cache_control, extra=CORS), kind.is_playlist)
