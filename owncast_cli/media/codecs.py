"""The H.264 encoders Owncast supports and the ffmpeg flags each one needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from owncast_cli.media.variants import MAX_CPU_USAGE_LEVEL, MIN_CPU_USAGE_LEVEL


class VideoCodec(StrEnum):
    """ffmpeg encoder names, the values Owncast stores as ``videoCodec``."""

    LIBX264 = "libx264"
    NVENC = "h264_nvenc"
    VAAPI = "h264_vaapi"
    QSV = "h264_qsv"
    OMX = "h264_omx"
    V4L2M2M = "h264_v4l2m2m"
    VIDEOTOOLBOX = "h264_videotoolbox"


DEFAULT_CODEC: Final = VideoCodec.LIBX264

_X264_PRESETS: Final = ("ultrafast", "superfast", "veryfast", "faster", "fast")
_NVENC_PRESETS: Final = ("p1", "p2", "p3", "p4", "p5")
_QSV_PRESETS: Final = ("veryfast", "fast", "medium", "slow", "veryslow")


def _x264_flags(index: int, level: int) -> tuple[str, ...]:
    # scenecut=0 keeps x264 from adding keyframes of its own, open_gop=0 makes every
    # segment start decodable: together with -g/-keyint_min segments are cut exactly.
    return (f"-x264-params:v:{index}", "scenecut=0:open_gop=0", f"-profile:v:{index}", "high")


def _nvenc_flags(index: int, level: int) -> tuple[str, ...]:
    return (f"-tune:v:{index}", "ll")


def _videotoolbox_flags(index: int, level: int) -> tuple[str, ...]:
    # Owncast asks VideoToolbox for real-time encoding on the cheaper levels only.
    return (f"-realtime:v:{index}", "true") if level < 3 else ()


def _no_flags(index: int, level: int) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class CodecProfile:
    """How one encoder is driven (Owncast ``services/transcoder/codecs.go``)."""

    codec: VideoCodec
    display_name: str
    global_flags: tuple[str, ...]
    """Placed before ``-i``: hardware decode and device setup."""
    pixel_format: str
    scaler: str
    """The scale filter name; hardware encoders scale on the device."""
    extra_arguments: tuple[str, ...]
    extra_filters: str
    """Appended after scaling (uploading frames to the device)."""
    presets: tuple[str, str, str, str, str]
    variant_flags: Callable[[int, int], tuple[str, ...]]
    """``(variant index, cpu level) -> flags`` specific to this encoder."""

    def preset_for_level(self, level: int) -> str:
        """The ``-preset`` for a cpuUsageLevel.

        Each level 0..4 gets its own preset. Owncast's migration numbers presets 1..5
        (``GetCPUUsageLevel``) against these 0..4 tables and sends unknown levels to the
        level-1 preset, so its lowest and highest levels both encode "superfast" (issues
        #1657, #2610). Out-of-range values are clamped here instead, so a bad config
        degrades to the nearest level rather than to an unrelated one.
        """
        return self.presets[min(max(level, MIN_CPU_USAGE_LEVEL), MAX_CPU_USAGE_LEVEL)]


CODEC_PROFILES: Final[dict[VideoCodec, CodecProfile]] = {
    profile.codec: profile
    for profile in (
        CodecProfile(VideoCodec.LIBX264, "x264", (), "yuv420p", "scale", ("-tune", "zerolatency"), "",
                     _X264_PRESETS, _x264_flags),
        CodecProfile(VideoCodec.NVENC, "NVIDIA nvenc", ("-hwaccel", "cuda"), "yuv420p", "scale", (), "",
                     _NVENC_PRESETS, _nvenc_flags),
        CodecProfile(VideoCodec.VAAPI, "VA-API",
                     ("-hwaccel", "vaapi", "-hwaccel_output_format", "vaapi", "-vaapi_device", "/dev/dri/renderD128"),
                     "vaapi", "scale_vaapi", (), "hwupload=extra_hw_frames=64,format=vaapi",
                     _X264_PRESETS, _no_flags),
        CodecProfile(VideoCodec.QSV, "Intel QuickSync", ("-init_hw_device", "qsv=hw", "-filter_hw_device", "hw"),
                     "qsv", "scale_qsv", (), "hwupload=extra_hw_frames=64,format=qsv",
                     _QSV_PRESETS, _no_flags),
        CodecProfile(VideoCodec.OMX, "OpenMAX (omx)", (), "yuv420p", "scale", ("-tune", "zerolatency"), "",
                     _X264_PRESETS, _no_flags),
        CodecProfile(VideoCodec.V4L2M2M, "Video4Linux", (), "nv21", "scale", (), "",
                     _X264_PRESETS, _no_flags),
        CodecProfile(VideoCodec.VIDEOTOOLBOX, "VideoToolbox", (), "nv12", "scale", (), "",
                     _X264_PRESETS, _videotoolbox_flags),
    )
}


def codec_profile(codec: VideoCodec | str) -> CodecProfile:
    """The profile for an encoder name.

    Raises:
        ValueError: not one of the supported H.264 encoders (the message lists them).
    """
    try:
        return CODEC_PROFILES[VideoCodec(codec)]
    except ValueError:
        allowed = ", ".join(c.value for c in VideoCodec)
        raise ValueError(f"unsupported video codec {codec!r}; allowed: {allowed}") from None
