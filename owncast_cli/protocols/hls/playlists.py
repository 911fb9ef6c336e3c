"""Master and media playlists (RFC 8216 4.3): parsed into entries and serialised back exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from owncast_cli.protocols.hls.lines import (
    DISCONTINUITY,
    DISCONTINUITY_SEQUENCE,
    ENDLIST,
    EXTINF,
    EXTM3U,
    INDEPENDENT_SEGMENTS,
    MEDIA_SEGMENT_TAGS,
    MEDIA_SEQUENCE,
    PLAYLIST_TYPE,
    PROGRAM_DATE_TIME,
    STREAM_INF,
    TARGETDURATION,
    VERSION,
    Blank,
    HeadLine,
    HlsError,
    Line,
    Tag,
    Uri,
    _decimal_integer,
    _find,
    _int_tag,
    format_duration,
    parse_attributes,
    parse_lines,
    quote,
    serialise_attributes,
    serialise_lines,
    unquote,
)


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
