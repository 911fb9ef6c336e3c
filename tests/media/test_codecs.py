"""The codec table: presets per cpu level, flags per encoder family."""

from __future__ import annotations

import pytest

from owncast_cli.media.codecs import CODEC_PROFILES, VideoCodec, codec_profile


@pytest.mark.parametrize(("codec", "presets"), [
    (VideoCodec.LIBX264, ["ultrafast", "superfast", "veryfast", "faster", "fast"]),
    (VideoCodec.NVENC, ["p1", "p2", "p3", "p4", "p5"]),
    (VideoCodec.VAAPI, ["ultrafast", "superfast", "veryfast", "faster", "fast"]),
    (VideoCodec.QSV, ["veryfast", "fast", "medium", "slow", "veryslow"]),
    (VideoCodec.OMX, ["ultrafast", "superfast", "veryfast", "faster", "fast"]),
    (VideoCodec.V4L2M2M, ["ultrafast", "superfast", "veryfast", "faster", "fast"]),
    (VideoCodec.VIDEOTOOLBOX, ["ultrafast", "superfast", "veryfast", "faster", "fast"]),
])
def test_each_level_has_its_own_preset(codec: VideoCodec, presets: list[str]) -> None:
    profile = codec_profile(codec)
    assert [profile.preset_for_level(level) for level in range(5)] == presets
    assert len(set(presets)) == 5  # Owncast issue #1657: lowest and highest must differ
    assert profile.preset_for_level(-3) == presets[0]
    assert profile.preset_for_level(9) == presets[4]


@pytest.mark.parametrize(("codec", "pix_fmt", "scaler", "global_flags"), [
    ("libx264", "yuv420p", "scale", ()),
    ("h264_nvenc", "yuv420p", "scale", ("-hwaccel", "cuda")),
    ("h264_vaapi", "vaapi", "scale_vaapi",
     ("-hwaccel", "vaapi", "-hwaccel_output_format", "vaapi", "-vaapi_device", "/dev/dri/renderD128")),
    ("h264_qsv", "qsv", "scale_qsv", ("-init_hw_device", "qsv=hw", "-filter_hw_device", "hw")),
    ("h264_omx", "yuv420p", "scale", ()),
    ("h264_v4l2m2m", "nv21", "scale", ()),
    ("h264_videotoolbox", "nv12", "scale", ()),
])
def test_codec_families(codec: str, pix_fmt: str, scaler: str, global_flags: tuple[str, ...]) -> None:
    profile = codec_profile(codec)
    assert (profile.pixel_format, profile.scaler, profile.global_flags) == (pix_fmt, scaler, global_flags)


@pytest.mark.parametrize(("codec", "level", "flags"), [
    (VideoCodec.LIBX264, 2, ("-x264-params:v:1", "scenecut=0:open_gop=0", "-profile:v:1", "high")),
    (VideoCodec.NVENC, 2, ("-tune:v:1", "ll")),
    (VideoCodec.VIDEOTOOLBOX, 2, ("-realtime:v:1", "true")),
    (VideoCodec.VIDEOTOOLBOX, 3, ()),
    (VideoCodec.QSV, 0, ()),
])
def test_variant_flags(codec: VideoCodec, level: int, flags: tuple[str, ...]) -> None:
    assert codec_profile(codec).variant_flags(1, level) == flags


def test_every_codec_has_a_profile_and_unknown_names_are_refused() -> None:
    assert set(CODEC_PROFILES) == set(VideoCodec)
    with pytest.raises(ValueError, match="unsupported video codec 'h265'; allowed: libx264, h264_nvenc"):
        codec_profile("h265")
