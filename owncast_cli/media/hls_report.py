"""A health report for an HLS stream from its playlists and per-segment facts (pure)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Final

from owncast_cli.protocols.hls import HlsError, MasterPlaylist, MediaPlaylist

# A measured segment may differ a little from its EXTINF (frame and audio-packet rounding).
DURATION_TOLERANCE_SECONDS: Final = 0.5


@dataclass(frozen=True)
class SegmentFacts:
    """What was measured in one downloaded segment; None means not measured."""

    duration: float | None = None
    starts_with_keyframe: bool | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class VariantRow:
    """One line of the report: a variant as the master announces it and as it is."""

    index: int
    uri: str
    bandwidth: int | None
    resolution: tuple[int, int] | None
    codecs: str | None
    target_duration: int | None = None
    media_sequence: int | None = None
    segment_count: int = 0
    min_duration: float | None = None
    max_duration: float | None = None
    mean_duration: float | None = None
    keyframe_starts: int = 0
    """Segments measured to open on a keyframe."""
    measured_segments: int = 0
    ended: bool = False
    available: bool = True


@dataclass(frozen=True)
class ProbeWarning:
    """Something a player may stumble on; ``segment_uri`` is None for playlist-wide ones."""

    variant_uri: str | None
    segment_uri: str | None
    message: str


@dataclass(frozen=True)
class ProbeReport:
    """Rows in master playlist order, then every warning found."""

    rows: tuple[VariantRow, ...]
    warnings: tuple[ProbeWarning, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.warnings


def _check_segments(uri: str, playlist: MediaPlaylist, announced: tuple[int, int] | None,
                    facts: Mapping[tuple[str, str], SegmentFacts], warnings: list[ProbeWarning]) -> tuple[int, int]:
    """Warn about each segment; return (keyframe starts, segments measured)."""
    target = playlist.target_duration
    keyframes = measured = 0
    for segment in playlist.segments:
        extinf = segment.duration
        # RFC 8216 4.3.3.1: each EXTINF, rounded to the nearest integer, must not exceed
        # the target duration, or players may stall waiting for the next refresh.
        if target is not None and math.floor(extinf + 0.5) > target:
            warnings.append(ProbeWarning(uri, segment.uri,
                                         f"EXTINF {extinf:g} s exceeds the target duration of {target} s"))
        fact = facts.get((uri, segment.uri))
        if fact is None:
            continue
        measured += 1
        if fact.duration is not None and abs(fact.duration - extinf) > DURATION_TOLERANCE_SECONDS:
            warnings.append(ProbeWarning(uri, segment.uri,
                                         f"measured {fact.duration:.3f} s but EXTINF says {extinf:g} s"))
        if fact.starts_with_keyframe:
            keyframes += 1
        elif fact.starts_with_keyframe is False:
            # Without a keyframe first, players cannot start or switch variants here.
            warnings.append(ProbeWarning(uri, segment.uri, "segment does not start with a keyframe"))
        size = (fact.width, fact.height)
        if announced is not None and None not in size and size != announced and not segment.discontinuity:
            warnings.append(ProbeWarning(uri, segment.uri, f"video is {fact.width}x{fact.height} but the master "
                                                           f"announces {announced[0]}x{announced[1]}"))
    return keyframes, measured


def build_probe_report(master: MasterPlaylist, variants: Mapping[str, MediaPlaylist | None],
                       facts: Mapping[tuple[str, str], SegmentFacts] | None = None) -> ProbeReport:
    """Check a stream as a player would see it.

    Args:
        master: the parsed master playlist.
        variants: each variant playlist keyed by its URI as written in the master; a
            missing key or None means it could not be fetched.
        facts: measurements keyed by (variant URI, segment URI), for any segments probed.
    """
    facts = facts or {}
    rows: list[VariantRow] = []
    warnings: list[ProbeWarning] = []
    if not master.variants:
        warnings.append(ProbeWarning(None, None, "the master playlist lists no variants"))
    for index, entry in enumerate(master.variants):
        base = VariantRow(index, entry.uri, entry.bandwidth, entry.resolution, entry.codecs)
        playlist = variants.get(entry.uri)
        if playlist is None:
            warnings.append(ProbeWarning(entry.uri, None, "variant playlist could not be fetched"))
            rows.append(replace(base, available=False))
            continue
        try:
            durations = [s.duration for s in playlist.segments]
            keyframes, measured = _check_segments(entry.uri, playlist, entry.resolution, facts, warnings)
        except HlsError as exc:
            warnings.append(ProbeWarning(entry.uri, None, str(exc)))
            rows.append(base)
            continue
        if not durations:
            warnings.append(ProbeWarning(entry.uri, None, "variant playlist has no segments"))
        if playlist.endlist:
            warnings.append(ProbeWarning(entry.uri, None,
                                         "playlist is closed (#EXT-X-ENDLIST): the stream is not live"))
        rows.append(VariantRow(
            index, entry.uri, entry.bandwidth, entry.resolution, entry.codecs,
            target_duration=playlist.target_duration, media_sequence=playlist.media_sequence,
            segment_count=len(durations),
            min_duration=min(durations, default=None), max_duration=max(durations, default=None),
            mean_duration=sum(durations) / len(durations) if durations else None,
            keyframe_starts=keyframes, measured_segments=measured, ended=playlist.endlist,
        ))
    targets = {row.target_duration for row in rows if row.target_duration is not None}
    if len(targets) > 1:
        # Variants cut on different boundaries make quality switches glitch.
        warnings.append(ProbeWarning(None, None, f"variants disagree on the target duration: {sorted(targets)}"))
    return ProbeReport(tuple(rows), tuple(warnings))
