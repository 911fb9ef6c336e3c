"""HLS playlist lines (RFC 8216 4.1): tags, comments, URIs and attribute lists, parsed and serialised exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

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
