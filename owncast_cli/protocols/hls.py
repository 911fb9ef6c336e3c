"""HLS playlists (RFC 8216), sans-IO: parse and serialise master and media playlists exactly."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final
from urllib.parse import urljoin, urlsplit

EXTM3U: Final = "EXTM3U"
EXTINF: Final = "EXTINF"
VERSION: Final = "EXT-X-VERSION"
TARGETDURATION: Final = "EXT-X-TARGETDURATION"
MEDIA_SEQUENCE: Final = "EXT-X-MEDIA-SEQUENCE"
DISCONTINUITY_SEQUENCE: Final = "EXT-X-DISCONTINUITY-SEQUENCE"
PLAYLIST_TYPE: Final = "EXT-X-PLAYLIST-TYPE"
PROGRAM_DATE_TIME: Final = "EXT-X-PROGRAM-DATE-TIME"
DISCONTINUITY: Final = "EXT-X-DISCONTINUITY"
ENDLIST: Final = "EXT-X-ENDLIST"
INDEPENDENT_SEGMENTS: Final = "EXT-X-INDEPENDENT-SEGMENTS"
STREAM_INF: Final = "EXT-X-STREAM-INF"

# RFC 8216 4.3.2: these tags describe the next media segment, so they open a segment entry;
# every other tag seen before the first of them belongs to the playlist header. ENDLIST
# (4.3.3.4) ends the header too, so a playlist without segments keeps it in the footer.
MEDIA_SEGMENT_TAGS: Final = frozenset({
    EXTINF, "EXT-X-BYTERANGE", DISCONTINUITY, "EXT-X-KEY", "EXT-X-MAP", PROGRAM_DATE_TIME,
    "EXT-X-DATERANGE", "EXT-X-GAP", "EXT-X-BITRATE", "EXT-X-PART", ENDLIST,
})


class HlsError(ValueError):
    """The text is not a playlist of the expected kind."""


@dataclass(frozen=True)
class Tag:
    """``#NAME`` or ``#NAME:value``; the value is kept verbatim so it re-serialises exactly."""

    name: str
    value: str | None = None

    def __str__(self) -> str:
        return f"#{self.name}" if self.value is None else f"#{self.name}:{self.value}"


@dataclass(frozen=True)
class Comment:
    """A ``#`` line that is not a tag (RFC 8216 4.1: ignored by players, kept here)."""

    text: str

    def __str__(self) -> str:
        return f"#{self.text}"


@dataclass(frozen=True)
class Blank:
    """An empty line (ffmpeg writes one after each master playlist entry)."""

    def __str__(self) -> str:
        return ""


@dataclass(frozen=True)
class Uri:
    """A URI line: a segment or a variant playlist."""

    uri: str

    def __str__(self) -> str:
        return self.uri


HeadLine = Tag | Comment | Blank
Line = Tag | Comment | Blank | Uri


def parse_line(line: str) -> Line:
    """Classify one line (without its terminator)."""
    if not line.strip():
        return Blank()
    if line.startswith("#EXT"):
        name, colon, value = line[1:].partition(":")
        return Tag(name, value if colon else None)
    if line.startswith("#"):
        return Comment(line[1:])
    return Uri(line)


def parse_lines(text: str) -> tuple[Line, ...]:
    """Split playlist text into lines; LF or CRLF terminators (RFC 8216 4.1)."""
    raw = text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    return tuple(parse_line(line.removesuffix("\r")) for line in raw)


def serialise_lines(lines: Iterable[Line]) -> str:
    """Join lines back into text, each terminated by LF."""
    return "".join(f"{line}\n" for line in lines)


# --- attribute lists (RFC 8216 4.2) ---------------------------------------------------------


def parse_attributes(text: str) -> tuple[tuple[str, str], ...]:
    """Split ``NAME=value,NAME="quoted, value"`` into (name, raw value) pairs, in order.

    Raw values keep their quotes so the list re-serialises exactly; see :func:`unquote`.

    Raises:
        HlsError: a pair without ``=`` or an unterminated quoted string.
    """
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        eq = text.find("=", pos)
        if eq < 0:
            raise HlsError(f"attribute without '=' in {text!r}")
        name = text[pos:eq]
        pos = eq + 1
        if text.startswith('"', pos):
            close = text.find('"', pos + 1)
            if close < 0:
                raise HlsError(f"unterminated quoted string in {text!r}")
            end = close + 1
        else:
            comma = text.find(",", pos)
            end = len(text) if comma < 0 else comma
        pairs.append((name, text[pos:end]))
        pos = end
        if pos < len(text):
            if text[pos] != ",":
                raise HlsError(f"expected ',' after {name} in {text!r}")
            pos += 1
    return tuple(pairs)


def serialise_attributes(pairs: Iterable[tuple[str, str]]) -> str:
    """Join (name, raw value) pairs into an attribute list."""
    return ",".join(f"{name}={value}" for name, value in pairs)


def quote(value: str) -> str:
    """A quoted-string attribute value; RFC 8216 forbids quotes and line breaks inside."""
    if any(c in value for c in '"\r\n'):
        raise HlsError(f"cannot quote {value!r}: quotes and line breaks are not allowed")
    return f'"{value}"'


def unquote(value: str) -> str:
    """The text of a quoted-string value (other values are returned unchanged)."""
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def _find(lines: Iterable[Line], name: str) -> Tag | None:
    for line in lines:
        if isinstance(line, Tag) and line.name == name:
            return line
    return None


def _int_tag(lines: Iterable[Line], name: str) -> int | None:
    tag = _find(lines, name)
    if tag is None or tag.value is None:
        return None
    try:
        return int(tag.value)
    except ValueError:
        raise HlsError(f"#{name} needs a whole number, got {tag.value!r}") from None


def _decimal_integer(name: str, text: str) -> int:
    # RFC 8216 4.2: decimal-integer is unquoted digits.
    if not (text.isascii() and text.isdigit()):
        raise HlsError(f"{name} needs a decimal integer, got {text!r}")
    return int(text)


def format_duration(seconds: float) -> str:
    """An EXTINF duration written the way ffmpeg writes it (six decimals)."""
    return f"{seconds:.6f}"


# --- entries: the lines before a URI, and the URI ---------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A media segment: its tags (EXTINF first, as a rule) and its URI."""

    uri: str
    lines: tuple[HeadLine, ...]

    @classmethod
    def new(cls, uri: str, duration: float, *, title: str = "", discontinuity: bool = False,
            program_date_time: str | None = None, tags: Sequence[Tag] = ()) -> Segment:
        """A segment in the tag order ffmpeg uses: discontinuity, EXTINF, date, others."""
        lines: list[HeadLine] = [Tag(DISCONTINUITY)] if discontinuity else []
        lines.append(Tag(EXTINF, f"{format_duration(duration)},{title}"))
        if program_date_time is not None:
            lines.append(Tag(PROGRAM_DATE_TIME, program_date_time))
        lines.extend(tags)
        return cls(uri, tuple(lines))

    @property
    def duration(self) -> float:
        """The EXTINF duration in seconds.

        Raises:
            HlsError: the segment has no EXTINF or it is not a number.
        """
        tag = _find(self.lines, EXTINF)
        if tag is None or tag.value is None:
            raise HlsError(f"segment {self.uri!r} has no #EXTINF")
        try:
            return float(tag.value.partition(",")[0])
        except ValueError:
            raise HlsError(f"segment {self.uri!r}: bad #EXTINF {tag.value!r}") from None

    @property
    def title(self) -> str:
        tag = _find(self.lines, EXTINF)
        return tag.value.partition(",")[2] if tag and tag.value else ""

    @property
    def discontinuity(self) -> bool:
        return _find(self.lines, DISCONTINUITY) is not None

    @property
    def program_date_time(self) -> str | None:
        tag = _find(self.lines, PROGRAM_DATE_TIME)
        return tag.value if tag else None


@dataclass(frozen=True)
class VariantStream:
    """A master playlist entry: ``#EXT-X-STREAM-INF`` (plus any other lines) and its URI."""

    uri: str
    lines: tuple[HeadLine, ...]

    @classmethod
    def new(cls, uri: str, bandwidth: int, *, average_bandwidth: int | None = None,
            resolution: tuple[int, int] | None = None, codecs: str | None = None) -> VariantStream:
        """An entry with attributes in the order ffmpeg writes them."""
        pairs = [("BANDWIDTH", str(bandwidth))]
        if average_bandwidth is not None:
            pairs.append(("AVERAGE-BANDWIDTH", str(average_bandwidth)))
        if resolution is not None:
            pairs.append(("RESOLUTION", f"{resolution[0]}x{resolution[1]}"))
        if codecs is not None:
            pairs.append(("CODECS", quote(codecs)))
        return cls(uri, (Tag(STREAM_INF, serialise_attributes(pairs)),))

    @property
    def attributes(self) -> dict[str, str]:
        """The STREAM-INF attributes, raw (quoted strings keep their quotes)."""
        tag = _find(self.lines, STREAM_INF)
        return dict(parse_attributes(tag.value or "")) if tag else {}

    @property
    def bandwidth(self) -> int | None:
        value = self.attributes.get("BANDWIDTH")
        return _decimal_integer("BANDWIDTH", value) if value is not None else None

    @property
    def resolution(self) -> tuple[int, int] | None:
        value = self.attributes.get("RESOLUTION")
        if value is None:
            return None
        width, _, height = value.partition("x")
        return _decimal_integer("RESOLUTION", width), _decimal_integer("RESOLUTION", height)

    @property
    def codecs(self) -> str | None:
        value = self.attributes.get("CODECS")
        return unquote(value) if value is not None else None


def _split_entries(lines: Sequence[Line], opens_entry: frozenset[str]) -> tuple[
        tuple[HeadLine, ...], list[tuple[tuple[HeadLine, ...], str]], tuple[HeadLine, ...]]:
    """Group lines into header, (lines, uri) entries and footer."""
    header: list[HeadLine] = []
    entries: list[tuple[tuple[HeadLine, ...], str]] = []
    pending: list[HeadLine] = []
    in_header = True
    for line in lines:
        if isinstance(line, Uri):
            entries.append((tuple(pending), line.uri))
            pending = []
            in_header = False
        elif in_header and not (isinstance(line, Tag) and line.name in opens_entry):
            header.append(line)
        else:
            in_header = False
            pending.append(line)
    return tuple(header), entries, tuple(pending)


def _require_extm3u(text: str) -> tuple[Line, ...]:
    lines = parse_lines(text)
    if not lines or lines[0] != Tag(EXTM3U):
        raise HlsError("a playlist must start with #EXTM3U (RFC 8216 4.3.1.1)")
    return lines[1:]


@dataclass(frozen=True)
class MediaPlaylist:
    """A media playlist: header lines, segments, footer lines (``#EXT-X-ENDLIST``)."""

    header: tuple[HeadLine, ...]
    segments: tuple[Segment, ...] = ()
    footer: tuple[HeadLine, ...] = ()

    @classmethod
    def new(cls, target_duration: int, segments: Sequence[Segment] = (), *, version: int | None = 3,
            media_sequence: int | None = 0, discontinuity_sequence: int | None = None,
            playlist_type: str | None = None, independent_segments: bool = False,
            endlist: bool = False) -> MediaPlaylist:
        """A playlist with its header in the order ffmpeg writes it."""
        header: list[HeadLine] = []
        if version is not None:
            header.append(Tag(VERSION, str(version)))
        header.append(Tag(TARGETDURATION, str(target_duration)))
        if media_sequence is not None:
            header.append(Tag(MEDIA_SEQUENCE, str(media_sequence)))
        if discontinuity_sequence is not None:
            header.append(Tag(DISCONTINUITY_SEQUENCE, str(discontinuity_sequence)))
        if playlist_type is not None:
            header.append(Tag(PLAYLIST_TYPE, playlist_type))
        if independent_segments:
            header.append(Tag(INDEPENDENT_SEGMENTS))
        return cls(tuple(header), tuple(segments), (Tag(ENDLIST),) if endlist else ())

    @property
    def version(self) -> int | None:
        return _int_tag(self.header, VERSION)

    @property
    def target_duration(self) -> int | None:
        return _int_tag(self.header, TARGETDURATION)

    @property
    def media_sequence(self) -> int:
        """RFC 8216 4.3.3.2: 0 when the tag is absent."""
        return _int_tag(self.header, MEDIA_SEQUENCE) or 0

    @property
    def discontinuity_sequence(self) -> int:
        return _int_tag(self.header, DISCONTINUITY_SEQUENCE) or 0

    @property
    def playlist_type(self) -> str | None:
        tag = _find(self.header, PLAYLIST_TYPE)
        return tag.value if tag else None

    @property
    def independent_segments(self) -> bool:
        return _find(self.header, INDEPENDENT_SEGMENTS) is not None

    @property
    def endlist(self) -> bool:
        return _find(self.footer, ENDLIST) is not None

    def serialise(self) -> str:
        """The playlist text; ``parse_media_playlist`` of it gives this object back."""
        lines: list[Line] = [Tag(EXTM3U), *self.header]
        for segment in self.segments:
            lines += [*segment.lines, Uri(segment.uri)]
        lines += self.footer
        return serialise_lines(lines)


@dataclass(frozen=True)
class MasterPlaylist:
    """A master (multivariant) playlist: header lines, variant streams, footer lines."""

    header: tuple[HeadLine, ...]
    variants: tuple[VariantStream, ...] = ()
    footer: tuple[HeadLine, ...] = ()

    @classmethod
    def new(cls, variants: Sequence[VariantStream], *, version: int | None = 3,
            independent_segments: bool = False) -> MasterPlaylist:
        """A master playlist laid out like ffmpeg's: a blank line after each entry."""
        header: list[HeadLine] = [Tag(VERSION, str(version))] if version is not None else []
        if independent_segments:
            header.append(Tag(INDEPENDENT_SEGMENTS))
        entries = [replace(v, lines=v.lines if i == 0 else (Blank(), *v.lines)) for i, v in enumerate(variants)]
        return cls(tuple(header), tuple(entries), (Blank(),) if variants else ())

    @property
    def version(self) -> int | None:
        return _int_tag(self.header, VERSION)

    @property
    def independent_segments(self) -> bool:
        return _find(self.header, INDEPENDENT_SEGMENTS) is not None

    def serialise(self) -> str:
        """The playlist text; ``parse_master_playlist`` of it gives this object back."""
        lines: list[Line] = [Tag(EXTM3U), *self.header]
        for variant in self.variants:
            lines += [*variant.lines, Uri(variant.uri)]
        lines += self.footer
        return serialise_lines(lines)


def parse_media_playlist(text: str) -> MediaPlaylist:
    """Parse a media playlist; every line is kept, so ``serialise()`` returns ``text``.

    Raises:
        HlsError: not an HLS playlist, or a master playlist.
    """
    lines = _require_extm3u(text)
    if _find(lines, STREAM_INF):
        raise HlsError("this is a master playlist (it has #EXT-X-STREAM-INF)")
    header, entries, footer = _split_entries(lines, MEDIA_SEGMENT_TAGS)
    return MediaPlaylist(header, tuple(Segment(uri, head) for head, uri in entries), footer)


def parse_master_playlist(text: str) -> MasterPlaylist:
    """Parse a master playlist; every line is kept, so ``serialise()`` returns ``text``.

    Raises:
        HlsError: not an HLS playlist, or a media playlist.
    """
    lines = _require_extm3u(text)
    if _find(lines, EXTINF) or _find(lines, TARGETDURATION):
        raise HlsError("this is a media playlist (it has #EXTINF or #EXT-X-TARGETDURATION)")
    header, entries, footer = _split_entries(lines, frozenset({STREAM_INF}))
    return MasterPlaylist(header, tuple(VariantStream(uri, head) for head, uri in entries), footer)


def parse_playlist(text: str) -> MasterPlaylist | MediaPlaylist:
    """Parse either kind; RFC 8216 4.1: a playlist with #EXT-X-STREAM-INF is a master."""
    if _find(parse_lines(text), STREAM_INF):
        return parse_master_playlist(text)
    return parse_media_playlist(text)


def segments(text: str) -> tuple[Segment, ...]:
    """The segments of a media playlist."""
    return parse_media_playlist(text).segments


def target_duration(text: str) -> int | None:
    """A media playlist's ``#EXT-X-TARGETDURATION``, or None when it has none."""
    return parse_media_playlist(text).target_duration


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
