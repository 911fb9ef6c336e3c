"""HLS playlists: tables both ways, Owncast's offline append and URL rewrite, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.protocols.hls import (
    Blank,
    Comment,
    HlsError,
    MasterPlaylist,
    MediaPlaylist,
    Segment,
    Tag,
    Uri,
    VariantStream,
    append_endlist,
    append_offline,
    parse_attributes,
    parse_lines,
    parse_master_playlist,
    parse_media_playlist,
    parse_playlist,
    rewrite_master_urls,
    segments,
    serialise_attributes,
    serialise_lines,
    target_duration,
)

# Trimmed from the bundled ffmpeg n9.0.2 running the transcoder argv (latency level 0).
FFMPEG_MEDIA = """\
#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T05:43:40.316+0000
stream-abc-0.ts
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T05:43:41.316+0000
stream-abc-1.ts
#EXTINF:0.083333,
#EXT-X-PROGRAM-DATE-TIME:2026-11-30T05:43:42.316+0000
stream-abc-2.ts
"""

FFMPEG_MASTER = """\
#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=1063328,AVERAGE-BANDWIDTH=1041995,RESOLUTION=426x240,CODECS="avc1.42c015,mp4a.40.2"
0/stream.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=634688,AVERAGE-BANDWIDTH=621239,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2"
1/stream.m3u8

"""

FFMPEG_MEDIA_MODEL = MediaPlaylist.new(
    1,
    [
        Segment.new("stream-abc-0.ts", 1.0, program_date_time="2026-11-30T05:43:40.316+0000"),
        Segment.new("stream-abc-1.ts", 1.0, program_date_time="2026-11-30T05:43:41.316+0000"),
        Segment.new("stream-abc-2.ts", 0.083333, program_date_time="2026-11-30T05:43:42.316+0000"),
    ],
    version=6,
    independent_segments=True,
)

FFMPEG_MASTER_MODEL = MasterPlaylist.new(
    [
        VariantStream.new("0/stream.m3u8", 1063328, average_bandwidth=1041995, resolution=(426, 240),
                          codecs="avc1.42c015,mp4a.40.2"),
        VariantStream.new("1/stream.m3u8", 634688, average_bandwidth=621239, resolution=(320, 180),
                          codecs="avc1.64000d,mp4a.40.2"),
    ],
    version=6,
)


@pytest.mark.parametrize(("text", "model"), [
    (FFMPEG_MEDIA, FFMPEG_MEDIA_MODEL),
    ("#EXTM3U\n#EXT-X-TARGETDURATION:8\n#EXT-X-ENDLIST\n", MediaPlaylist.new(8, version=None, media_sequence=None,
                                                                             endlist=True)),
    ("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:7\n"
     "#EXT-X-DISCONTINUITY-SEQUENCE:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-DISCONTINUITY\n#EXTINF:2.500000,title\n"
     "a.ts\n#EXT-X-ENDLIST\n",
     MediaPlaylist.new(3, [Segment.new("a.ts", 2.5, title="title", discontinuity=True)], media_sequence=7,
                       discontinuity_sequence=2, playlist_type="EVENT", endlist=True)),
])
def test_media_playlist_table_both_ways(text: str, model: MediaPlaylist) -> None:
    assert parse_media_playlist(text) == model
    assert model.serialise() == text


def test_media_playlist_fields() -> None:
    playlist = parse_media_playlist(FFMPEG_MEDIA)
    assert (playlist.version, playlist.target_duration, playlist.media_sequence) == (6, 1, 0)
    assert playlist.independent_segments and not playlist.endlist
    assert [s.duration for s in playlist.segments] == [1.0, 1.0, 0.083333]
    assert playlist.segments[0].program_date_time == "2026-11-30T05:43:40.316+0000"
    assert playlist.discontinuity_sequence == 0
    assert [s.uri for s in segments(FFMPEG_MEDIA)] == ["stream-abc-0.ts", "stream-abc-1.ts", "stream-abc-2.ts"]
    assert target_duration(FFMPEG_MEDIA) == 1
    assert target_duration("#EXTM3U\n#EXTINF:1,\na.ts\n") is None


def test_master_playlist_table_both_ways() -> None:
    assert parse_master_playlist(FFMPEG_MASTER) == FFMPEG_MASTER_MODEL
    assert FFMPEG_MASTER_MODEL.serialise() == FFMPEG_MASTER
    first = FFMPEG_MASTER_MODEL.variants[0]
    assert (first.bandwidth, first.resolution, first.codecs) == (1063328, (426, 240), "avc1.42c015,mp4a.40.2")
    assert first.attributes["AVERAGE-BANDWIDTH"] == "1041995"
    assert FFMPEG_MASTER_MODEL.version == 6 and not FFMPEG_MASTER_MODEL.independent_segments


def test_parse_playlist_picks_the_kind() -> None:
    assert isinstance(parse_playlist(FFMPEG_MASTER), MasterPlaylist)
    assert isinstance(parse_playlist(FFMPEG_MEDIA), MediaPlaylist)


@pytest.mark.parametrize(("text", "lines"), [
    ("#EXTM3U\n", (Tag("EXTM3U"),)),
    ("#EXTINF:1.5,hello, world\n", (Tag("EXTINF", "1.5,hello, world"),)),
    ("# a comment\n\nseg.ts\n", (Comment(" a comment"), Blank(), Uri("seg.ts"))),
    ("#EXT-X-KEY:METHOD=NONE\n", (Tag("EXT-X-KEY", "METHOD=NONE"),)),
    ("#EXT-X-FOO:\n", (Tag("EXT-X-FOO", ""),)),
])
def test_lines_table_both_ways(text: str, lines: tuple[object, ...]) -> None:
    assert parse_lines(text) == lines
    assert serialise_lines(lines) == text  # type: ignore[arg-type]


def test_crlf_lines_are_accepted() -> None:
    assert parse_lines("#EXTM3U\r\nseg.ts\r\n") == (Tag("EXTM3U"), Uri("seg.ts"))


@pytest.mark.parametrize(("text", "pairs"), [
    ("BANDWIDTH=1,RESOLUTION=640x360", (("BANDWIDTH", "1"), ("RESOLUTION", "640x360"))),
    ('CODECS="avc1.64001e,mp4a.40.2",BANDWIDTH=5', (("CODECS", '"avc1.64001e,mp4a.40.2"'), ("BANDWIDTH", "5"))),
    ('URI="",X=0x1F', (("URI", '""'), ("X", "0x1F"))),
    ("", ()),
])
def test_attributes_table_both_ways(text: str, pairs: tuple[tuple[str, str], ...]) -> None:
    assert parse_attributes(text) == pairs
    assert serialise_attributes(pairs) == text


@pytest.mark.parametrize("text", ["BANDWIDTH", 'CODECS="abc', 'A="x"B=1'])
def test_bad_attribute_lists_raise_hls_error(text: str) -> None:
    with pytest.raises(HlsError):
        parse_attributes(text)


@pytest.mark.parametrize(("parse", "text", "message"), [
    (parse_media_playlist, "", "must start with #EXTM3U"),
    (parse_media_playlist, "seg.ts\n", "must start with #EXTM3U"),
    (parse_media_playlist, FFMPEG_MASTER, "master playlist"),
    (parse_master_playlist, FFMPEG_MEDIA, "media playlist"),
])
def test_wrong_kind_raises(parse: object, text: str, message: str) -> None:
    with pytest.raises(HlsError, match=message):
        parse(text)  # type: ignore[operator]


def test_bad_numbers_raise_hls_error() -> None:
    with pytest.raises(HlsError, match="TARGETDURATION"):
        _ = parse_media_playlist("#EXTM3U\n#EXT-X-TARGETDURATION:x\n").target_duration
    with pytest.raises(HlsError, match="EXTINF"):
        _ = parse_media_playlist("#EXTM3U\n#EXTINF:abc,\na.ts\n").segments[0].duration


@pytest.mark.parametrize("attributes", ["BANDWIDTH=lots", "BANDWIDTH=1,RESOLUTION=wide", "BANDWIDTH=1,RESOLUTION=1x",
                                        'BANDWIDTH="1'])
def test_bad_stream_inf_values_raise_hls_error(attributes: str) -> None:
    variant = parse_master_playlist(f"#EXTM3U\n#EXT-X-STREAM-INF:{attributes}\na.m3u8\n").variants[0]
    with pytest.raises(HlsError):
        _ = (variant.bandwidth, variant.resolution)


def test_unknown_tags_comments_and_blank_lines_are_kept() -> None:
    text = ("#EXTM3U\n#EXT-X-ALLOW-CACHE:NO\n# made by hand\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=NONE\n"
            "#EXTINF:2.000000,\n#X-CUSTOM:1\n\na.ts\n#EXT-X-CUE-OUT\n")
    playlist = parse_media_playlist(text)
    assert playlist.serialise() == text
    assert playlist.header == (Tag("EXT-X-ALLOW-CACHE", "NO"), Comment(" made by hand"), Tag("EXT-X-TARGETDURATION", "2"))
    assert playlist.segments[0].lines[0] == Tag("EXT-X-KEY", "METHOD=NONE")
    assert playlist.footer == (Tag("EXT-X-CUE-OUT"),)


# --- Owncast's offline clip -------------------------------------------------------------------

OFFLINE_TAIL = "#EXT-X-DISCONTINUITY\n#EXTINF:1.000000,\noffline.ts\n#EXT-X-ENDLIST\n"


@pytest.mark.parametrize(("before", "duration", "after"), [
    (FFMPEG_MEDIA, 1.0, FFMPEG_MEDIA + OFFLINE_TAIL),
    # An 8 s clip after 1 s segments raises the target duration (RFC 8216 4.3.3.1).
    (FFMPEG_MEDIA, 8.0, FFMPEG_MEDIA.replace("TARGETDURATION:1", "TARGETDURATION:8")
     + OFFLINE_TAIL.replace("1.000000", "8.000000")),
    (None, 8.0, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:8\n#EXT-X-MEDIA-SEQUENCE:0\n"
                "#EXTINF:8.000000,\noffline.ts\n#EXT-X-ENDLIST\n"),
    ("", 0.4, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
              "#EXTINF:0.400000,\noffline.ts\n#EXT-X-ENDLIST\n"),
    # A playlist ffmpeg already closed: the old ENDLIST goes, the clip ends it again.
    ("#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.000000,\na.ts\n#EXT-X-ENDLIST\n", 3.0,
     "#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.000000,\na.ts\n" + OFFLINE_TAIL.replace("1.000000", "3.000000")),
    # Header only (ffmpeg had not finished a segment): no discontinuity before the clip.
    ("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:3\n", 3.0,
     "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:3\n#EXTINF:3.000000,\noffline.ts\n#EXT-X-ENDLIST\n"),
])
def test_append_offline(before: str | None, duration: float, after: str) -> None:
    assert append_offline(before, "offline.ts", duration) == after
    assert append_offline(after, "offline.ts", duration) == after  # idempotent


@pytest.mark.parametrize(("before", "after"), [
    # Live segments, then the end: no clip (none could be made), no discontinuity.
    ("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2.000000,\ns-7.ts\n",
     "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n#EXTINF:2.000000,\ns-7.ts\n"
     "#EXT-X-ENDLIST\n"),
    # No playlist yet: an ended one without segments.
    (None, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-ENDLIST\n"),
])
def test_append_endlist(before: str | None, after: str) -> None:
    assert append_endlist(before, 2) == after
    assert append_endlist(after, 2) == after  # idempotent
    assert parse_media_playlist(after).endlist


# --- absolute URLs for S3 / CDN ---------------------------------------------------------------

@pytest.mark.parametrize("base", ["https://cdn.example.com/pre/hls", "https://cdn.example.com/pre/hls/"])
def test_rewrite_master_urls(base: str) -> None:
    rewritten = rewrite_master_urls(FFMPEG_MASTER, base)
    assert rewritten == (FFMPEG_MASTER.replace("0/stream.m3u8", "https://cdn.example.com/pre/hls/0/stream.m3u8")
                         .replace("1/stream.m3u8", "https://cdn.example.com/pre/hls/1/stream.m3u8"))


def test_rewrite_master_urls_keeps_absolute_uris_and_rewrites_uri_attributes() -> None:
    text = ('#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/stream.m3u8"\n'
            '#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO="a"\nhttps://other.example/x.m3u8\n')
    assert rewrite_master_urls(text, "https://cdn/hls") == text.replace('URI="audio', 'URI="https://cdn/hls/audio')


# --- round trips ------------------------------------------------------------------------------

_names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ-", min_size=1, max_size=12)
_values = st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n"), max_size=20)
_uris = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_./", min_size=1, max_size=20).filter(
    lambda u: not u.startswith("#") and u.strip() == u)
_pdt = st.datetimes().map(lambda d: d.isoformat(timespec="milliseconds") + "+0000")
_segments = st.builds(
    Segment.new,
    _uris,
    st.integers(0, 20_000_000).map(lambda us: us / 1_000_000),
    title=st.text(alphabet="abc ,=", max_size=6),
    discontinuity=st.booleans(),
    program_date_time=st.none() | _pdt,
    tags=st.lists(st.builds(Tag, _names.map(lambda n: "EXT-X-" + n), st.none() | _values), max_size=2),
)
_media = st.builds(
    MediaPlaylist.new,
    st.integers(1, 20),
    st.lists(_segments, max_size=6),
    version=st.none() | st.integers(1, 9),
    media_sequence=st.none() | st.integers(0, 10**9),
    discontinuity_sequence=st.none() | st.integers(0, 1000),
    playlist_type=st.none() | st.sampled_from(["EVENT", "VOD"]),
    independent_segments=st.booleans(),
    endlist=st.booleans(),
)
_variants = st.builds(
    VariantStream.new,
    _uris,
    st.integers(1, 10**8),
    average_bandwidth=st.none() | st.integers(1, 10**8),
    resolution=st.none() | st.tuples(st.integers(16, 7680), st.integers(16, 4320)),
    codecs=st.none() | st.sampled_from(["avc1.64001e,mp4a.40.2", "avc1.42c015", "mp4a.40.2"]),
)
_master = st.builds(MasterPlaylist.new, st.lists(_variants, max_size=5), version=st.none() | st.integers(1, 9),
                    independent_segments=st.booleans())


@given(_media)
def test_media_round_trip(playlist: MediaPlaylist) -> None:
    text = playlist.serialise()
    parsed = parse_media_playlist(text)
    assert parsed == playlist
    assert parsed.serialise() == text


@given(_master)
def test_master_round_trip(playlist: MasterPlaylist) -> None:
    text = playlist.serialise()
    parsed = parse_master_playlist(text)
    assert parsed == playlist
    assert parsed.serialise() == text


_any_line = st.one_of(
    st.builds(lambda n, v: f"#EXT{n}" + ("" if v is None else f":{v}"), _names, st.none() | _values),
    st.builds(lambda c: f"#{c}", _values.filter(lambda c: not c.startswith("EXT"))),
    _uris,
    st.just(""),
)


@given(st.lists(_any_line, max_size=15))
def test_any_line_sequence_round_trips_exactly(lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in ["#EXTM3U", "#EXT-X-TARGETDURATION:2", *lines])
    assert parse_media_playlist(text).serialise() == text


@given(st.text(max_size=200) | st.text(max_size=200).map(lambda t: "#EXTM3U\n" + t))
def test_garbage_gives_hls_error_or_a_playlist_that_keeps_every_line(text: str) -> None:
    try:
        playlist = parse_playlist(text)
    except HlsError:
        return
    assert playlist.serialise() == serialise_lines(parse_lines(text))
