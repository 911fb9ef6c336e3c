"""What one stream's transcode looks like, from the config: variants, latency, codec, names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from owncast_cli.config.values import ConfigValues
from owncast_cli.media.codecs import DEFAULT_CODEC, VideoCodec
from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.latency import LatencyLevel, latency_level
from owncast_cli.media.variants import StreamOutputVariant, highest_quality_index, variants_from_json
from owncast_cli.transcode.argv import build_ffmpeg_argv

_UNSAFE = re.compile(r"[^A-Za-z0-9]")


@dataclass(frozen=True)
class Plan:
    """The settings one stream is transcoded with (read once, at ``stream.started``)."""

    variants: tuple[StreamOutputVariant, ...]
    latency: LatencyLevel
    codec: str
    warning: str | None = None
    """Set when the configured codec was replaced (this ffmpeg lacks it)."""

    @property
    def best_index(self) -> int:
        """The variant thumbnails come from (Owncast: passthrough first, else highest bitrate)."""
        return highest_quality_index(self.variants)

    def argv(self, *, ffmpeg_path: str, input_url: str, output_dir: Path, prefix: str, has_audio: bool,
             has_video: bool, append: bool) -> list[str]:
        """ffmpeg's argv for this plan; the daemon prunes segments itself, so ffmpeg does not."""
        return build_ffmpeg_argv(
            ffmpeg_path=ffmpeg_path, input_url=input_url, input_format="flv", variants=self.variants,
            latency_level=self.latency.level, codec=self.codec, output_dir=output_dir, segment_prefix=prefix,
            progress_url="pipe:1", has_audio=has_audio, has_video=has_video, append=append,
            delete_segments=False,
        )


def plan_from_config(values: ConfigValues, ffmpeg: FFmpegInfo) -> Plan:
    """Build the plan from config values (already validated by the config store).

    A codec this ffmpeg was built without falls back to libx264 with a warning, rather
    than failing every stream.

    Raises:
        VariantError: the stored variants are unusable (only possible if edited by hand).
    """
    variants = variants_from_json(values.video_stream_output_variants)
    level = latency_level(values.video_latency_level)
    codec = values.video_codec or DEFAULT_CODEC.value
    warning = None
    if not ffmpeg.supports(codec):
        fallback = DEFAULT_CODEC if ffmpeg.supports(DEFAULT_CODEC) else ffmpeg.h264_encoders[0]
        warning = (f"video_codec {codec} is not available in {ffmpeg.path} (it has "
                   f"{', '.join(c.value for c in ffmpeg.h264_encoders)}); using {VideoCodec(fallback).value}")
        codec = VideoCodec(fallback).value
    return Plan(variants, level, codec, warning)


def segment_prefix(stream_id: str, restarts: int) -> str:
    """A segment name prefix unique to a stream and to each ffmpeg restart within it.

    New names after a restart mean a CDN or player never gets a stale segment under a
    reused name, and the window tracker never mistakes a new segment for an old one.
    """
    base = _UNSAFE.sub("", stream_id)[:12] or "s"
    return base if restarts == 0 else f"{base}r{restarts}"
