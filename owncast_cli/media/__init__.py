"""Media knowledge shared by the daemons: variants, latency, codecs, the ffmpeg binary, probing.

Layering: ``variants`` and ``latency`` are plain data; ``codecs`` builds on ``variants``;
``capabilities`` parses ffmpeg's listings (sans-IO); ``ffmpeg`` and ``probe`` run subprocesses
(blocking, for threads); ``hls_report`` builds on ``protocols.hls``. Nothing here imports trio.
"""

from __future__ import annotations

from owncast_cli.media.capabilities import Capabilities, OptionSpec
from owncast_cli.media.codecs import CODEC_PROFILES, DEFAULT_CODEC, CodecProfile, VideoCodec, codec_profile
from owncast_cli.media.ffmpeg import (
    FFmpegError,
    FFmpegInfo,
    FFmpegNotFound,
    FFmpegSource,
    FFmpegUnusable,
    find_ffmpeg,
    inspect_ffmpeg,
    load_ffmpeg,
)
from owncast_cli.media.hls_report import ProbeReport, ProbeWarning, SegmentFacts, VariantRow, build_probe_report
from owncast_cli.media.latency import DEFAULT_LATENCY_LEVEL, LATENCY_LEVELS, LatencyLevel, latency_level
from owncast_cli.media.probe import MediaProbeError, probe_media
from owncast_cli.media.variants import (
    DEFAULT_VARIANTS,
    StreamOutputVariant,
    VariantError,
    highest_quality_index,
    validate_variants,
    variants_from_json,
)

__all__ = [
    "CODEC_PROFILES", "DEFAULT_CODEC", "DEFAULT_LATENCY_LEVEL", "DEFAULT_VARIANTS", "LATENCY_LEVELS",
    "Capabilities", "CodecProfile", "FFmpegError", "FFmpegInfo", "FFmpegNotFound", "FFmpegSource", "FFmpegUnusable",
    "LatencyLevel", "MediaProbeError", "OptionSpec", "ProbeReport", "ProbeWarning", "SegmentFacts", "StreamOutputVariant",
    "VariantError", "VariantRow", "VideoCodec", "build_probe_report", "codec_profile", "find_ffmpeg",
    "highest_quality_index", "inspect_ffmpeg", "latency_level", "load_ffmpeg", "probe_media",
    "validate_variants", "variants_from_json",
]
