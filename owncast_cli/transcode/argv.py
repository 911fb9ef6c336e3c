"""ffmpeg command lines: the live HLS transcoder, thumbnails, the preview GIF, the offline clip."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from owncast_cli.media.capabilities import Capabilities
from owncast_cli.media.codecs import DEFAULT_CODEC, CodecProfile, VideoCodec, codec_profile
from owncast_cli.media.latency import latency_level as lookup_latency
from owncast_cli.media.variants import StreamOutputVariant

MASTER_PLAYLIST: Final = "stream.m3u8"
VARIANT_PLAYLIST: Final = "stream.m3u8"
# Owncast's local cleanup keeps segmentCount + 10 segments per variant; ffmpeg keeps the
# same number when told to delete unreferenced segments beyond this threshold.
DELETE_THRESHOLD: Final = 10
# Owncast (services/transcoder/transcoder.go getAllocatedVideoBitrate): "the video bitrate
# we allocate after making some room for audio. 192 is pretty average."
AUDIO_ALLOWANCE_KBPS: Final = 192
# Owncast getMaxVideoBitrate: the ceiling is the allocated bitrate * 1.08, and the x264
# buffer (getBufferSize) equals that ceiling, keeping peaks within the ~10 % Apple's
# media validator tolerates.
MAXRATE_FACTOR: Final = 1.08
MAX_MUXING_QUEUE_SIZE: Final = 400
THUMBNAIL_PREVIEW_WIDTH: Final = 480


@dataclass(frozen=True)
class VideoRates:
    """The rate-control numbers for one encoded variant, in kbps."""

    bitrate: int
    maxrate: int
    bufsize: int


def video_rates(variant: StreamOutputVariant, *, has_audio: bool = True) -> VideoRates:
    """Owncast's bitrate split for a variant (reference 4.2: ``-b:v:i <B-192>k``).

    Without audio nothing is set aside. The allocation never drops below half the
    configured bitrate, so a tiny (unvalidated) bitrate still gives ffmpeg a positive one.
    """
    total = variant.effective_video_bitrate
    allocated = max(total - AUDIO_ALLOWANCE_KBPS, total // 2) if has_audio else total
    maxrate = int(allocated * MAXRATE_FACTOR)
    return VideoRates(allocated, maxrate, maxrate)


def segment_template(segment_prefix: str) -> str:
    """ffmpeg's segment name template for a stream: ``stream-<prefix>-%d.ts``."""
    return f"stream-{segment_prefix}-%d.ts"


def segment_filename(segment_prefix: str, number: int) -> str:
    """The name ffmpeg gives segment ``number`` of a stream."""
    return f"stream-{segment_prefix}-{number}.ts"


def _scale_filter(variant: StreamOutputVariant, profile: CodecProfile) -> str:
    # Owncast VideoSize.getString: one side set keeps the aspect ratio; -2 keeps it even.
    width = str(variant.scaled_width) if variant.scaled_width else "-2"
    height = str(variant.scaled_height) if variant.scaled_height else "-2"
    return f"{profile.scaler}={width}:{height}"


def _video_args(index: int, variant: StreamOutputVariant, profile: CodecProfile, segment_seconds: int,
                has_audio: bool) -> list[str]:
    if variant.video_passthrough:
        return ["-map", "v:0", f"-c:v:{index}", "copy"]
    fps = variant.effective_framerate
    gop = fps * segment_seconds  # a keyframe opens every segment, so segments are exact
    rates = video_rates(variant, has_audio=has_audio)
    level = variant.cpu_usage_level
    args = [
        "-map", "v:0",
        f"-c:v:{index}", profile.codec.value,
        f"-b:v:{index}", f"{rates.bitrate}k",
        f"-maxrate:v:{index}", f"{rates.maxrate}k",
        f"-bufsize:v:{index}", f"{rates.bufsize}k",
        f"-g:v:{index}", str(gop),
        f"-keyint_min:v:{index}", str(gop),
        f"-r:v:{index}", str(fps),
        *profile.variant_flags(index, level),
    ]
    filters = [_scale_filter(variant, profile)] if variant.is_scaled else []
    if profile.extra_filters:
        filters.append(profile.extra_filters)  # upload after scaling: order matters on the device
    if filters:
        args += [f"-filter:v:{index}", ",".join(filters)]
    # Owncast passes a bare "-preset" per variant, but ffmpeg applies the last bare preset
    # to every encoder: with the stream specifier each variant keeps its own.
    args += [f"-preset:v:{index}", profile.preset_for_level(level)]
    return args


def _audio_args(index: int, variant: StreamOutputVariant) -> list[str]:
    if variant.effective_audio_passthrough:
        return ["-map", "a:0", f"-c:a:{index}", "copy"]
    # Owncast uses the native aac encoder: libfdk_aac is missing from most builds.
    return ["-map", "a:0", f"-c:a:{index}", "aac", f"-b:a:{index}", f"{variant.audio_bitrate}k"]


def _stream_map(count: int, has_video: bool, has_audio: bool) -> str:
    # Owncast always writes "v:i,a:i", which fails on streams without audio (issue #400):
    # only name the streams that exist.
    kinds = [kind for kind, present in (("v", has_video), ("a", has_audio)) if present]
    return " ".join(",".join(f"{kind}:{i}" for kind in kinds) for i in range(count))


def build_ffmpeg_argv(
    *,
    ffmpeg_path: str,
    input_url: str,
    variants: Sequence[StreamOutputVariant],
    latency_level: int,
    codec: VideoCodec | str = DEFAULT_CODEC,
    output_dir: str | os.PathLike[str],
    segment_prefix: str,
    progress_url: str | None = None,
    has_audio: bool = True,
    has_video: bool = True,
    input_format: str | None = None,
    append: bool = False,
    delete_segments: bool = True,
    delete_threshold: int = DELETE_THRESHOLD,
) -> list[str]:
    """The live transcoder's argv: one ffmpeg writing every variant as HLS files.

    Follows Owncast's command line (reference 4.2) but writes straight to files:
    ``output_dir/stream.m3u8`` (master), ``output_dir/<i>/stream.m3u8`` and
    ``output_dir/<i>/stream-<prefix>-<n>.ts``. ffmpeg creates the ``<i>`` directories.

    Args:
        ffmpeg_path: the binary, argv[0].
        input_url: e.g. ``"pipe:0"`` or ``"unix:/run/owncast/ingest.sock"``.
        variants: the renditions; variant ``i`` is written to directory ``i``.
        latency_level: 0..4 (clamped), sets segment length and playlist size.
        codec: one of :class:`VideoCodec`.
        output_dir: the HLS directory (must exist).
        segment_prefix: a per-stream id in segment names, so a new stream never
            overwrites segments a player or CDN may still hold.
        progress_url: where ``-progress`` key=value blocks go (``"pipe:1"``, a file, a
            ``unix:`` socket); see :mod:`owncast_cli.transcode.progress`.
        has_audio / has_video: what the input carries; at least one must be true.
        input_format: force the demuxer (``"flv"`` for an RTMP feed on a pipe or socket).
        append: continue the existing playlists (``append_list``) after a restart.
        delete_segments: let ffmpeg delete segments ``delete_threshold`` past the playlist.

    Raises:
        ValueError: no variants, no streams, an unknown codec, or a prefix or directory
            that would corrupt ffmpeg's filename templates.
    """
    if not variants:
        raise ValueError("at least one variant is required")
    if not (has_audio or has_video):
        raise ValueError("the input has neither audio nor video")
    if not segment_prefix or any(c in segment_prefix for c in "/%\\") or segment_prefix != segment_prefix.strip():
        raise ValueError(f"segment_prefix {segment_prefix!r} must be a plain name without '/', '\\' or '%'")
    out = os.fspath(output_dir)
    if "%" in out:
        raise ValueError(f"output_dir {out!r} contains '%', which ffmpeg reads as a filename template")
    profile = codec_profile(codec)
    latency = lookup_latency(latency_level)
    encodes_video = has_video and any(not v.video_passthrough for v in variants)

    argv = [ffmpeg_path, "-hide_banner", "-loglevel", "warning"]
    if encodes_video:
        argv += profile.global_flags
    argv += ["-fflags", "+genpts", "-flags", "+cgop"]
    if input_format:
        argv += ["-f", input_format]
    argv += ["-i", input_url]
    for index, variant in enumerate(variants):
        if has_video:
            argv += _video_args(index, variant, profile, latency.seconds_per_segment, has_audio)
        if has_audio:
            argv += _audio_args(index, variant)
    if has_video and any(v.is_scaled for v in variants) and profile.scaler == "scale":
        argv += ["-sws_flags", "bilinear"]
    argv += ["-var_stream_map", _stream_map(len(variants), has_video, has_audio)]

    # temp_file: segments are written as .tmp and renamed, so a watcher never uploads or
    # serves half a segment; omit_endlist: the daemon closes the playlist itself, after
    # appending the offline clip.
    flags = ["program_date_time", "independent_segments", "omit_endlist", "temp_file"]
    if append:
        flags.append("append_list")
    if delete_segments:
        flags.append("delete_segments")
    argv += ["-f", "hls", "-hls_time", str(latency.seconds_per_segment),
             "-hls_list_size", str(latency.segment_count)]
    if delete_segments:
        argv += ["-hls_delete_threshold", str(delete_threshold)]
    argv += ["-hls_flags", "+".join(flags)]
    argv += ["-segment_format_options", "mpegts_flags=mpegts_copyts=1"]
    if encodes_video:
        argv += [*profile.extra_arguments, "-pix_fmt", profile.pixel_format, "-sc_threshold", "0"]
    argv += [
        "-master_pl_name", MASTER_PLAYLIST,
        "-hls_segment_filename", os.path.join(out, "%v", segment_template(segment_prefix)),
        "-max_muxing_queue_size", str(MAX_MUXING_QUEUE_SIZE),  # trac.ffmpeg.org/ticket/6375
    ]
    if progress_url:
        argv += ["-progress", progress_url, "-nostats"]
    argv.append(os.path.join(out, "%v", VARIANT_PLAYLIST))
    return argv


def build_thumbnail_argv(ffmpeg_path: str, segment: str | os.PathLike[str], out_jpg: str | os.PathLike[str]) -> list[str]:
    """Owncast's thumbnail command: the first frame of a segment as a JPEG.

    The output format is named, so ``out_jpg`` may be a temporary name to rename later.
    Every option here exists in ffmpeg 4.x and later; no capability decides anything.
    """
    return [ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y", "-threads", "1", "-t", "1",
            "-i", os.fspath(segment), "-f", "image2", "-frames:v", "1", "-update", "1", os.fspath(out_jpg)]


def build_preview_argv(ffmpeg_path: str, segment: str | os.PathLike[str], out_gif: str | os.PathLike[str], *,
                       caps: Capabilities, seconds: float = 1.0, fps: int = 8,
                       width: int = THUMBNAIL_PREVIEW_WIDTH) -> list[str]:
    """Owncast's animated preview: ``seconds`` of a segment as a looping GIF.

    A palette made from the clip itself (palettegen/paletteuse) keeps GIF banding down;
    a build without those filters gets ffmpeg's default palette. lanczos keeps the
    downscale sharp.
    """
    graph = f"fps={fps},scale={width}:-1:flags=lanczos"
    if {"split", "palettegen", "paletteuse"} <= caps.filters:
        graph += ",split[a][b];[a]palettegen[p];[b][p]paletteuse"
    return [ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y", "-t", f"{seconds:g}",
            "-i", os.fspath(segment), "-vf", graph, "-an", "-loop", "0", "-f", "gif", os.fspath(out_gif)]


@dataclass(frozen=True)
class Slate:
    """How the offline clip looks: a dark, still slate."""

    width: int = 1280
    height: int = 720
    framerate: int = 24
    colors: tuple[str, str] = ("0x0b1220", "0x1f2937")


def offline_video_sources(caps: Capabilities, slate: Slate = Slate()) -> list[str]:
    """The lavfi sources that can draw ``slate`` with this ffmpeg, best first.

    A still top-to-bottom ``gradients`` when the build has that source (ffmpeg 4.4+): its
    rotation ``speed`` is set to the lowest value the build allows (0 on 9.x; 5.1 refuses 0
    with "Numerical result out of range" and allows 1e-05, i.e. 0.002 rad over a 10 s
    clip: still). A plain ``color`` source always follows, as the fallback. No text is
    drawn: drawtext needs fonts that a server may not have.
    """
    w, h, r = slate.width, slate.height, slate.framerate
    sources = []
    if "gradients" in caps.filters:
        gradient = f"gradients=s={w}x{h}:r={r}:c0={slate.colors[0]}:c1={slate.colors[1]}:x0=0:y0=0:x1=0:y1={h}"
        speed = caps.option("filter=gradients", "speed")
        if speed is not None:
            gradient += f":speed={speed.nearest(0.0):g}"
        sources.append(gradient)
    sources.append(f"color=c={slate.colors[0]}:s={w}x{h}:r={r}")
    return sources


def build_offline_clip_argv(
    ffmpeg_path: str,
    out_ts: str | os.PathLike[str],
    seconds: float = 8.0,
    *,
    video_source: str,
    framerate: int = Slate.framerate,
    sample_rate: int = 48000,
    video_bitrate_kbps: int = 400,
    audio_bitrate_kbps: int = 64,
) -> list[str]:
    """The end-of-stream clip from ``video_source`` (one of :func:`offline_video_sources`) with silence.

    H.264 + AAC in MPEG-TS, starting with a keyframe, so it can follow the live segments
    after an ``#EXT-X-DISCONTINUITY``.
    """
    frames = max(1, round(seconds * framerate))
    return [
        ffmpeg_path, "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", video_source,
        "-f", "lavfi", "-i", f"anullsrc=r={sample_rate}:cl=stereo",
        "-map", "0:v", "-map", "1:a", "-t", f"{seconds:g}",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-b:v", f"{video_bitrate_kbps}k", "-g", str(frames), "-keyint_min", str(frames),
        "-sc_threshold", "0", "-force_key_frames", "expr:eq(n,0)",
        "-c:a", "aac", "-b:a", f"{audio_bitrate_kbps}k", "-ar", str(sample_rate), "-ac", "2",
        "-f", "mpegts", os.fspath(out_ts),
    ]
