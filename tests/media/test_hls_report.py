"""The stream probe report: rows per variant, warnings a player would care about."""

from __future__ import annotations

from owncast_cli.media.hls_report import ProbeWarning, SegmentFacts, VariantRow, build_probe_report
from owncast_cli.protocols.hls import MasterPlaylist, MediaPlaylist, Segment, VariantStream

MASTER = MasterPlaylist.new([
    VariantStream.new("0/stream.m3u8", 1_000_000, resolution=(640, 360), codecs="avc1.64001e,mp4a.40.2"),
    VariantStream.new("1/stream.m3u8", 500_000, resolution=(320, 180), codecs="avc1.64000d,mp4a.40.2"),
])


def _playlist(*durations: float, target: int = 1, endlist: bool = False) -> MediaPlaylist:
    return MediaPlaylist.new(target, [Segment.new(f"s-{i}.ts", d) for i, d in enumerate(durations)],
                             media_sequence=4, independent_segments=True, endlist=endlist)


def test_healthy_stream() -> None:
    facts = {("0/stream.m3u8", "s-0.ts"): SegmentFacts(1.0, True, 640, 360),
             ("1/stream.m3u8", "s-1.ts"): SegmentFacts(0.98, True, 320, 180)}
    report = build_probe_report(MASTER, {"0/stream.m3u8": _playlist(1.0, 1.0), "1/stream.m3u8": _playlist(1.0, 0.5)},
                                facts)
    assert report.ok
    assert report.rows == (
        VariantRow(0, "0/stream.m3u8", 1_000_000, (640, 360), "avc1.64001e,mp4a.40.2", target_duration=1,
                   media_sequence=4, segment_count=2, min_duration=1.0, max_duration=1.0, mean_duration=1.0,
                   keyframe_starts=1, measured_segments=1),
        VariantRow(1, "1/stream.m3u8", 500_000, (320, 180), "avc1.64000d,mp4a.40.2", target_duration=1,
                   media_sequence=4, segment_count=2, min_duration=0.5, max_duration=1.0, mean_duration=0.75,
                   keyframe_starts=1, measured_segments=1),
    )


def test_every_warning() -> None:
    facts = {
        ("0/stream.m3u8", "s-0.ts"): SegmentFacts(duration=2.0, starts_with_keyframe=False, width=640, height=352),
        ("0/stream.m3u8", "s-1.ts"): SegmentFacts(starts_with_keyframe=None),
    }
    report = build_probe_report(MASTER, {"0/stream.m3u8": _playlist(1.0, 1.6, target=1, endlist=True)}, facts)
    assert report.warnings == (
        ProbeWarning("0/stream.m3u8", "s-0.ts", "measured 2.000 s but EXTINF says 1 s"),
        ProbeWarning("0/stream.m3u8", "s-0.ts", "segment does not start with a keyframe"),
        ProbeWarning("0/stream.m3u8", "s-0.ts", "video is 640x352 but the master announces 640x360"),
        ProbeWarning("0/stream.m3u8", "s-1.ts", "EXTINF 1.6 s exceeds the target duration of 1 s"),
        ProbeWarning("0/stream.m3u8", None, "playlist is closed (#EXT-X-ENDLIST): the stream is not live"),
        ProbeWarning("1/stream.m3u8", None, "variant playlist could not be fetched"),
    )
    assert not report.ok
    assert report.rows[1].available is False and report.rows[0].measured_segments == 2


def test_playlist_level_warnings() -> None:
    report = build_probe_report(MasterPlaylist.new([]), {})
    assert report.warnings == (ProbeWarning(None, None, "the master playlist lists no variants"),)
    report = build_probe_report(MASTER, {"0/stream.m3u8": _playlist(target=1), "1/stream.m3u8": _playlist(3.0, target=3)})
    assert report.warnings == (
        ProbeWarning("0/stream.m3u8", None, "variant playlist has no segments"),
        ProbeWarning(None, None, "variants disagree on the target duration: [1, 3]"),
    )


def test_resolution_change_after_a_discontinuity_is_fine() -> None:
    playlist = MediaPlaylist.new(8, [Segment.new("s-0.ts", 1.0), Segment.new("offline.ts", 8.0, discontinuity=True)])
    facts = {("0/stream.m3u8", "offline.ts"): SegmentFacts(8.0, True, 1280, 720)}
    report = build_probe_report(MasterPlaylist.new([MASTER.variants[0]]), {"0/stream.m3u8": playlist}, facts)
    assert report.ok
