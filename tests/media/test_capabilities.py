"""Parsing what ffmpeg lists: captured text of Debian 12's 5.1.9 and imageio-ffmpeg's 9.0.2, both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from owncast_cli.media.capabilities import (
    Capabilities,
    OptionSpec,
    parse_encoders,
    parse_filters,
    parse_muxers,
    parse_options,
    parse_version,
)
from owncast_cli.media.codecs import VideoCodec
from owncast_cli.media.ffmpeg import supported_h264_encoders
from owncast_cli.transcode.argv import Slate, offline_video_sources

DATA = Path(__file__).parent / "data"
BUILDS = ["ffmpeg-5.1", "ffmpeg-9.0"]


def captured(build: str, name: str) -> str:
    """``ffmpeg -hide_banner <name>`` of that build, as saved by hand (stdout and stderr)."""
    return (DATA / build / f"{name}.txt").read_text()


@pytest.mark.parametrize(("build", "version"), [
    ("ffmpeg-5.1", "5.1.9-0+deb12u1"), ("ffmpeg-9.0", "n9.0.2-17-g2a571b6068-20260930")])
def test_version(build: str, version: str) -> None:
    assert parse_version(captured(build, "version")) == version


@pytest.mark.parametrize(("build", "count", "h264"), [
    ("ffmpeg-5.1", 217, (VideoCodec.LIBX264, VideoCodec.NVENC, VideoCodec.VAAPI, VideoCodec.QSV, VideoCodec.OMX,
                         VideoCodec.V4L2M2M)),
    ("ffmpeg-9.0", 229, (VideoCodec.LIBX264, VideoCodec.NVENC, VideoCodec.VAAPI, VideoCodec.QSV,
                         VideoCodec.V4L2M2M)),
])
def test_encoders(build: str, count: int, h264: tuple[VideoCodec, ...]) -> None:
    text = captured(build, "encoders")
    names = parse_encoders(text)
    assert len(names) == count and len(set(names)) == count
    assert {"libx264", "aac", "mjpeg", "gif"} <= set(names) and "=" not in names
    assert supported_h264_encoders(names) == h264


@pytest.mark.parametrize("build", BUILDS)
def test_muxers(build: str) -> None:
    muxers = parse_muxers(captured(build, "muxers"))
    assert {"hls", "mpegts", "flv", "image2", "gif", "mp4"} <= muxers
    assert not {"=", "---", "D", "E"} & muxers


@pytest.mark.parametrize(("build", "count"), [("ffmpeg-5.1", 527), ("ffmpeg-9.0", 562)])
def test_filters_in_both_layouts(build: str, count: int) -> None:
    # 5.1 has three flag columns and no separator; 9.x two flag columns and "------".
    # The counts are the rows with an "X->Y" column (grep -c -- "->" FILE).
    filters = parse_filters(captured(build, "filters"))
    assert len(filters) == count
    assert {"gradients", "color", "anullsrc", "scale", "fps", "split", "palettegen", "paletteuse"} <= filters
    assert not {"=", "------", "Filters:"} & filters


@pytest.mark.parametrize(("build", "speed"), [
    # The difference that broke the offline clip on Debian 12: 5.1 refuses speed=0.
    ("ffmpeg-5.1", OptionSpec("speed", "float", 1e-05, 1.0, "0.01")),
    ("ffmpeg-9.0", OptionSpec("speed", "float", 0.0, 1.0, "0.01")),
])
def test_gradients_options(build: str, speed: OptionSpec) -> None:
    options = parse_options(captured(build, "h-filter=gradients"))
    assert options["speed"] == speed
    assert options["s"] == OptionSpec("s", "image_size", None, None, "640x480")
    assert options["x0"] == OptionSpec("x0", "int", -1, 2**31 - 1, "-1")
    assert options["seed"] == OptionSpec("seed", "int64", -1, 2**32 - 1, "-1")
    assert "linear" not in options and "radial" not in options  # named constants, not options
    assert {"c0", "c1", "y1", "n", "d", "type", "t"} <= set(options)


@pytest.mark.parametrize("build", BUILDS)
def test_muxer_options_have_a_dash(build: str) -> None:
    options = parse_options(captured(build, "h-muxer=hls"))
    assert options["hls_time"].type == "duration" and options["hls_time"].default == "2"
    assert options["hls_list_size"] == OptionSpec("hls_list_size", "int", 0, 2**31 - 1, "5")
    assert {"hls_flags", "hls_segment_filename", "master_pl_name", "var_stream_map"} <= set(options)


@pytest.mark.parametrize("text", ["", "Unknown filter 'nope'.\n", "Exiting with exit code 0\n"])
def test_options_of_an_unknown_topic_are_empty(text: str) -> None:
    assert parse_options(text) == {}


def test_option_ranges() -> None:
    speed = OptionSpec("speed", "float", 1e-05, 1.0)
    assert (speed.allows(0.0), speed.allows(0.5), speed.allows(2.0)) == (False, True, False)
    assert (speed.nearest(0.0), speed.nearest(0.5), speed.nearest(2.0)) == (1e-05, 0.5, 1.0)
    assert OptionSpec("s", "image_size").allows(-5)


def _caps(build: str) -> Capabilities:
    return Capabilities(parse_version(captured(build, "version")),
                        frozenset(parse_encoders(captured(build, "encoders"))), parse_muxers(captured(build, "muxers")), parse_filters(captured(build, "filters")),
                        {"filter=gradients": parse_options(captured(build, "h-filter=gradients"))})


@pytest.mark.parametrize("build", BUILDS)
def test_capabilities_survive_the_cache_format(build: str) -> None:
    caps = _caps(build)
    assert Capabilities.from_json(caps.to_json()) == caps


@pytest.mark.parametrize(("build", "speed"), [("ffmpeg-5.1", "1e-05"), ("ffmpeg-9.0", "0")])
def test_offline_clip_sources_follow_the_build(build: str, speed: str) -> None:
    slate = Slate(width=320, height=180, framerate=24)
    assert offline_video_sources(_caps(build), slate) == [
        f"gradients=s=320x180:r=24:c0=0x0b1220:c1=0x1f2937:x0=0:y0=0:x1=0:y1=180:speed={speed}",
        "color=c=0x0b1220:s=320x180:r=24"]
    # A build without gradients (before 4.4) gets the plain colour; one without a speed
    # option gets no speed.
    assert offline_video_sources(Capabilities("4.3"), slate) == ["color=c=0x0b1220:s=320x180:r=24"]
    old = Capabilities("4.4", filters=frozenset({"gradients", "color"}))
    assert offline_video_sources(old, slate)[0].endswith(":y1=180")
