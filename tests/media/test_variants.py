"""The stream output variant: Owncast's JSON, defaults, names, validation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.media.variants import (
    DEFAULT_VARIANTS,
    StreamOutputVariant,
    VariantError,
    highest_quality_index,
    validate_variant,
    validate_variants,
    variants_from_json,
)

V = StreamOutputVariant


@pytest.mark.parametrize(("data", "variant"), [
    ({}, V(cpu_usage_level=2)),
    ({"videoPassthrough": True, "audioPassthrough": True, "cpuUsageLevel": 0}, V(video_passthrough=True,
                                                                                  audio_passthrough=True,
                                                                                  cpu_usage_level=0)),
    ({"name": "HD", "videoBitrate": 3500, "audioBitrate": 128, "scaledWidth": 1280, "scaledHeight": 720,
      "framerate": 30, "cpuUsageLevel": 4, "encoderPreset": ""},
     V("HD", False, False, 3500, 128, 1280, 720, 30, 4, "")),
    # Configs from before cpuUsageLevel: the preset decides, each to its own level.
    ({"encoderPreset": "ultrafast"}, V(encoder_preset="ultrafast", cpu_usage_level=0)),
    ({"encoderPreset": "fast"}, V(encoder_preset="fast", cpu_usage_level=4)),
    ({"scaledWidth": None, "scaledHeight": None, "name": None}, V()),
])
def test_from_json(data: dict[str, Any], variant: StreamOutputVariant) -> None:
    assert V.from_json(data) == variant


@pytest.mark.parametrize(("variant", "data"), [
    (DEFAULT_VARIANTS[0], {"name": "", "videoPassthrough": False, "audioPassthrough": True, "videoBitrate": 1200,
                           "audioBitrate": 0, "framerate": 24, "encoderPreset": "", "cpuUsageLevel": 2}),
    # MarshalJSON writes the effective framerate: 0 for passthrough, 24 when unset.
    (V(video_passthrough=True, framerate=30), {"name": "", "videoPassthrough": True, "audioPassthrough": False,
                                               "videoBitrate": 0, "audioBitrate": 0, "framerate": 0,
                                               "encoderPreset": "", "cpuUsageLevel": 2}),
    (V(scaled_height=480, cpu_usage_level=1), {"name": "", "videoPassthrough": False, "audioPassthrough": False,
                                               "videoBitrate": 0, "audioBitrate": 0, "scaledHeight": 480,
                                               "framerate": 24, "encoderPreset": "", "cpuUsageLevel": 1}),
])
def test_to_json(variant: StreamOutputVariant, data: dict[str, Any]) -> None:
    assert variant.to_json() == data


def test_default_variant_is_owncasts() -> None:
    assert DEFAULT_VARIANTS == (V(audio_passthrough=True, video_bitrate=1200, framerate=24, cpu_usage_level=2),)


@pytest.mark.parametrize(("variant", "framerate", "audio_copy", "bitrate"), [
    (V(), 24, True, 1200),
    (V(video_passthrough=True, framerate=60), 0, True, 1200),
    (V(framerate=60, audio_bitrate=128, video_bitrate=800), 60, False, 800),
    (V(audio_passthrough=True, audio_bitrate=128), 24, True, 1200),
])
def test_effective_values(variant: StreamOutputVariant, framerate: int, audio_copy: bool, bitrate: int) -> None:
    assert (variant.effective_framerate, variant.effective_audio_passthrough,
            variant.effective_video_bitrate) == (framerate, audio_copy, bitrate)


@pytest.mark.parametrize(("variant", "name"), [
    (V(name="Low"), "Low"),
    (V(video_passthrough=True), "Source"),
    (V(scaled_width=1280, scaled_height=720, video_bitrate=2500), "720p @2.5Mbps"),
    (V(scaled_width=1920, scaled_height=1080, video_bitrate=6000), "1080p @6Mbps"),
    (V(scaled_height=480), "480h"),
    (V(scaled_width=640), "640w"),
    (V(video_bitrate=800, framerate=30), "800Kbps@30fps"),
    (V(video_bitrate=1200), "1.2Mbps@24fps"),
    (V(), "1.2Mbps@24fps"),
])
def test_display_name(variant: StreamOutputVariant, name: str) -> None:
    assert variant.display_name == name


@pytest.mark.parametrize(("value", "errors"), [
    ([{"videoBitrate": 1200}], []),
    ([{}], []),
    ({}, ["variants: expected a list of variant objects, got dict"]),
    ([], ["variants: at least one variant is required"]),
    ([3], ["variants[0]: expected an object, got int"]),
    ([{"videoBitrate": "1200"}], ["variants[0].videoBitrate: expected a whole number, got '1200'"]),
    ([{"videoBitrate": True}], ["variants[0].videoBitrate: expected a whole number, got True"]),
    ([{"videoBitrate": 100}], ["variants[0].videoBitrate: 100 is out of range; allowed: 0 (default 1200) or "
                               "300..100000"]),
    ([{}, {"audioBitrate": 8}], ["variants[1].audioBitrate: 8 is out of range; allowed: 0 (copy the source "
                                 "audio) or 32..512"]),
    ([{"framerate": 500}], ["variants[0].framerate: 500 is out of range; allowed: 0 (default 24) or 1..120"]),
    ([{"cpuUsageLevel": 5}], ["variants[0].cpuUsageLevel: 5 is out of range; allowed: 0..4"]),
    ([{"scaledWidth": 641}], ["variants[0].scaledWidth: 641 is odd; allowed: an even number of pixels"]),
    ([{"scaledHeight": 9000}], ["variants[0].scaledHeight: 9000 is out of range; allowed: 0 (keep the aspect "
                                "ratio) or 16..4320"]),
    ([{"videoPassthrough": 1}], ["variants[0].videoPassthrough: expected true or false, got 1"]),
    ([{"name": 5}], ["variants[0].name: expected a string, got 5"]),
    ([{"encoderPreset": "slow"}], ["variants[0].encoderPreset: 'slow' is not a known preset; allowed: ultrafast, "
                                   "superfast, veryfast, faster, fast (or use cpuUsageLevel)"]),
    ([{"bitrate": 1}], ["variants[0]: unknown key 'bitrate'; allowed: name, videoPassthrough, audioPassthrough, "
                        "videoBitrate, audioBitrate, scaledWidth, scaledHeight, framerate, encoderPreset, "
                        "cpuUsageLevel"]),
])
def test_validate_variants(value: object, errors: list[str]) -> None:
    assert validate_variants(value) == errors


def test_from_json_refuses_invalid_objects() -> None:
    with pytest.raises(VariantError) as info:
        V.from_json({"cpuUsageLevel": 7, "framerate": -1})
    assert info.value.errors == ("variant.framerate: -1 is out of range; allowed: 0 (default 24) or 1..120",
                                 "variant.cpuUsageLevel: 7 is out of range; allowed: 0..4")
    with pytest.raises(VariantError, match="at least one variant"):
        variants_from_json([])


def test_variants_from_json() -> None:
    assert variants_from_json([{"videoPassthrough": True}, {"videoBitrate": 800}]) == (
        V(video_passthrough=True), V(video_bitrate=800))


@pytest.mark.parametrize(("variants", "index"), [
    ([V(video_bitrate=800)], 0),
    ([V(video_bitrate=800), V(video_bitrate=3000), V(video_bitrate=1200)], 1),
    ([V(video_bitrate=800), V(video_bitrate=9000), V(video_passthrough=True), V(video_passthrough=True)], 2),
    ([V(video_bitrate=0), V(video_bitrate=1000)], 0),  # 0 means 1200
    ([V(video_bitrate=900), V(video_bitrate=900)], 0),
])
def test_highest_quality_index(variants: list[StreamOutputVariant], index: int) -> None:
    assert highest_quality_index(variants) == index


def test_highest_quality_index_needs_variants() -> None:
    with pytest.raises(ValueError):
        highest_quality_index([])


_valid = st.builds(
    V,
    name=st.text(max_size=12),
    video_passthrough=st.booleans(),
    audio_passthrough=st.booleans(),
    video_bitrate=st.just(0) | st.integers(300, 100_000),
    audio_bitrate=st.just(0) | st.integers(32, 512),
    scaled_width=st.just(0) | st.integers(8, 3840).map(lambda n: n * 2),
    scaled_height=st.just(0) | st.integers(8, 2160).map(lambda n: n * 2),
    framerate=st.integers(1, 120),
    cpu_usage_level=st.integers(0, 4),
    encoder_preset=st.sampled_from(["", "ultrafast", "fast"]),
)


@given(_valid)
def test_json_round_trip(variant: StreamOutputVariant) -> None:
    data = variant.to_json()
    assert validate_variant(data) == []
    again = V.from_json(data)
    # MarshalJSON writes the effective framerate, so passthrough comes back with 0.
    assert again == (replace(variant, framerate=0) if variant.video_passthrough else variant)
