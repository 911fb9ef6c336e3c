"""Edits of a published playlist: closing it (ENDLIST, the offline clip) and absolute URLs for a CDN."""

from __future__ import annotations

import math
from dataclasses import replace
from urllib.parse import urljoin, urlsplit

from owncast_cli.protocols.hls.lines import (
    ENDLIST,
    TARGETDURATION,
    HeadLine,
    Tag,
    _find,
    parse_attributes,
    quote,
    serialise_attributes,
    unquote,
)
from owncast_cli.protocols.hls.playlists import (
    MasterPlaylist,
    MediaPlaylist,
    Segment,
    VariantStream,
    parse_master_playlist,
    parse_media_playlist,
)


def append_endlist(media_playlist_text: str | None, target_duration: int) -> str:
    """End a variant playlist without an offline clip (none could be made): add ``#EXT-X-ENDLIST``.

    With no playlist, an ended one with no segments (``target_duration``, at least 1, in its
    header). A playlist that has ended already is returned unchanged.
    """
    if not media_playlist_text or not media_playlist_text.strip():
        return MediaPlaylist.new(max(target_duration, 1), endlist=True).serialise()
    playlist = parse_media_playlist(media_playlist_text)
    if playlist.endlist:
        return media_playlist_text
    return replace(playlist, footer=(*playlist.footer, Tag(ENDLIST))).serialise()


def append_offline(media_playlist_text: str | None, clip_uri: str, clip_duration: float) -> str:
    """End a variant playlist with the offline clip, as Owncast does when a stream stops.

    Adds ``#EXT-X-DISCONTINUITY`` (the clip has its own timestamps and encoding), the
    clip's ``#EXTINF`` and URI, and ``#EXT-X-ENDLIST``. With no playlist (the stream ended
    before one was written) a fresh playlist holds just the clip. Appending the same clip
    twice changes nothing. RFC 8216 4.3.3.1 requires every EXTINF, rounded, to be at most
    the target duration, so a longer clip raises ``#EXT-X-TARGETDURATION``; a clip no
    longer than the segment length avoids that.

    Args:
        media_playlist_text: the variant playlist, or None / "" when there is none.
        clip_uri: the clip's URI relative to the playlist (e.g. ``"offline.ts"``).
        clip_duration: the clip's length in seconds.
    """
    needed = math.floor(clip_duration + 0.5)
    if not media_playlist_text or not media_playlist_text.strip():
        return MediaPlaylist.new(max(needed, 1), [Segment.new(clip_uri, clip_duration)], endlist=True).serialise()
    playlist = parse_media_playlist(media_playlist_text)
    if playlist.endlist and playlist.segments and playlist.segments[-1].uri == clip_uri:
        return media_playlist_text
    header = playlist.header
    current = playlist.target_duration
    if current is None or current < needed:
        header = _set_tag(header, Tag(TARGETDURATION, str(needed)))
    clip = Segment.new(clip_uri, clip_duration, discontinuity=bool(playlist.segments))
    footer = tuple(line for line in playlist.footer if line != Tag(ENDLIST))
    # Lines after the last segment (tags for a segment that never came) stay before the clip.
    clip = replace(clip, lines=(*footer, *clip.lines))
    return MediaPlaylist(header, (*playlist.segments, clip), (Tag(ENDLIST),)).serialise()


def _set_tag(lines: tuple[HeadLine, ...], tag: Tag) -> tuple[HeadLine, ...]:
    if _find(lines, tag.name) is None:
        return (*lines, tag)
    return tuple(tag if isinstance(line, Tag) and line.name == tag.name else line for line in lines)


def absolute_url(base_url: str, uri: str) -> str:
    """``uri`` resolved against ``base_url`` taken as a directory; absolute URIs are kept."""
    if urlsplit(uri).scheme:
        return uri
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", uri)


def _rewrite_uri_attribute(line: HeadLine, base_url: str) -> HeadLine:
    # EXT-X-MEDIA and EXT-X-I-FRAME-STREAM-INF name their playlists in a URI attribute.
    if not isinstance(line, Tag) or line.value is None or "URI=" not in line.value:
        return line
    pairs = parse_attributes(line.value)
    pairs = tuple((k, quote(absolute_url(base_url, unquote(v))) if k == "URI" else v) for k, v in pairs)
    return Tag(line.name, serialise_attributes(pairs))


def rewrite_master_urls(master_text: str, base_url: str) -> str:
    """Make a master playlist's variant URIs absolute, for serving from S3 or a CDN.

    Args:
        master_text: the master playlist ffmpeg wrote (``0/stream.m3u8``, ...).
        base_url: where the ``hls/`` directory is served, e.g.
            ``"https://cdn.example.com/prefix/hls/"`` (a trailing slash is added if missing).
    """
    playlist = parse_master_playlist(master_text)

    def fix(lines: tuple[HeadLine, ...]) -> tuple[HeadLine, ...]:
        return tuple(_rewrite_uri_attribute(line, base_url) for line in lines)

    variants = tuple(VariantStream(absolute_url(base_url, v.uri), fix(v.lines)) for v in playlist.variants)
    return MasterPlaylist(fix(playlist.header), variants, fix(playlist.footer)).serialise()
