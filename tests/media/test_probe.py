"""Probing media: ffmpeg's banner and ffprobe's JSON give the same shape; real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.probe import (
    MediaProbeError,
    find_ffprobe,
    parse_ffmpeg_banner,
    parse_ffprobe_json,
    probe_media,
)

# ffmpeg n9.0.2 describing the sample FLV, a transcoder segment, and a 5.1 AAC stream with a
# language tag.
FLV_BANNER = """\
Input #0, flv, from 'in.flv':
  Metadata:
    encoder         : Lavf63.1.102
  Duration: 00:00:04.02, start: 0.000000, bitrate: 308 kb/s
  Stream #0:0: Video: h264 (High), yuv420p(progressive), 640x360 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr, 1k tbn, start 0.023000
  Stream #0:1: Audio: aac (LC), 44100 Hz, mono, fltp, 69 kb/s
At least one output file must be specified
"""

TS_BANNER = """\
Input #0, mpegts, from 'o7/0/stream-abc-1.ts':
  Duration: 00:00:01.00, start: 2.423222, bitrate: 702 kb/s
  Program 1 
    Metadata:
      service_name    : Service01
      service_provider: FFmpeg
  Stream #0:0[0x100]: Video: h264 (Constrained Baseline) ([27][0][0][0] / 0x001B), yuv420p(progressive), 320x180 [SAR 1:1 DAR 16:9], 30 fps, 30 tbr, 90k tbn, start 2.423222
  Stream #0:1[0x101]: Audio: aac (LC) ([15][0][0][0] / 0x000F), 44100 Hz, mono, fltp, 98 kb/s, start 2.444700
At least one output file must be specified
"""

SURROUND_BANNER = """\
Input #0, mpegts, from 'a51.ts':
  Duration: 00:00:00.95, start: 1.400000, bitrate: 230 kb/s
  Stream #0:0[0x100](eng): Audio: aac (LC) ([15][0][0][0] / 0x000F), 44100 Hz, 5.1, fltp, 171 kb/s, start 1.400000
"""


@pytest.mark.parametrize(("text", "expected"), [
    (FLV_BANNER, {"format": "flv", "duration": 4.02, "streams": [
        {"index": 0, "type": "video", "codec": "h264", "width": 640, "height": 360, "fps": 30.0},
        {"index": 1, "type": "audio", "codec": "aac", "sample_rate": 44100, "channels": 1}]}),
    (TS_BANNER, {"format": "mpegts", "duration": 1.0, "streams": [
        {"index": 0, "type": "video", "codec": "h264", "width": 320, "height": 180, "fps": 30.0},
        {"index": 1, "type": "audio", "codec": "aac", "sample_rate": 44100, "channels": 1}]}),
    (SURROUND_BANNER, {"format": "mpegts", "duration": 0.95, "streams": [
        {"index": 0, "type": "audio", "codec": "aac", "sample_rate": 44100, "channels": 6}]}),
    # Shaped by hand: a multi-name demuxer, no duration, a layout ffmpeg has no name for.
    ("Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'a.mp4':\n  Duration: N/A\n"
     "  Stream #0:0(und): Audio: opus, 48000 Hz, 3 channels, fltp\n",
     {"format": "mov", "duration": None, "streams": [
         {"index": 0, "type": "audio", "codec": "opus", "sample_rate": 48000, "channels": 3}]}),
])
def test_parse_ffmpeg_banner(text: str, expected: dict[str, object]) -> None:
    assert parse_ffmpeg_banner(text) == expected


def test_banner_without_input_raises_with_ffmpegs_reason() -> None:
    with pytest.raises(MediaProbeError, match="Invalid data found when processing input"):
        parse_ffmpeg_banner("[in#0 @ 0x1] Error opening input: Invalid data found when processing input\n")


def test_parse_ffprobe_json_matches_the_banner_shape() -> None:
    data = {
        "streams": [
            {"index": 0, "codec_name": "h264", "codec_type": "video", "width": 640, "height": 360,
             "r_frame_rate": "30/1", "avg_frame_rate": "30/1"},
            {"index": 1, "codec_name": "aac", "codec_type": "audio", "sample_rate": "44100", "channels": 1},
        ],
        "format": {"format_name": "flv", "duration": "4.020000"},
    }
    assert parse_ffprobe_json(data) == parse_ffmpeg_banner(FLV_BANNER)


@pytest.mark.parametrize("use_ffprobe", [False, True], ids=["banner", "ffprobe"])
def test_probe_real_file(each_ffmpeg: FFmpegInfo, sample_flv: Path, use_ffprobe: bool) -> None:
    if use_ffprobe and find_ffprobe(each_ffmpeg.path) is None:
        pytest.skip("no ffprobe beside this ffmpeg")
    info = probe_media(each_ffmpeg.path, sample_flv, use_ffprobe=use_ffprobe)
    assert info["format"] == "flv"
    assert info["duration"] == pytest.approx(4.0, abs=0.1)
    assert [(s["type"], s["codec"]) for s in info["streams"]] == [("video", "h264"), ("audio", "aac")]
    assert (info["streams"][0]["width"], info["streams"][0]["height"]) == (640, 360)


def test_probe_not_media(each_ffmpeg: FFmpegInfo, tmp_path: Path) -> None:
    junk = tmp_path / "junk.ts"
    junk.write_bytes(b"not a video at all" * 10)
    with pytest.raises(MediaProbeError):
        probe_media(each_ffmpeg.path, junk, use_ffprobe=False)
    with pytest.raises(MediaProbeError, match="No such file"):
        probe_media(each_ffmpeg.path, tmp_path / "missing.ts", use_ffprobe=False)


def test_ffprobe_is_only_the_one_beside_its_ffmpeg(tmp_path: Path) -> None:
    """Another build's ffprobe on PATH misreads what this ffmpeg writes (Enhanced RTMP as VP6)."""
    alone = tmp_path / "alone" / "ffmpeg"
    paired = tmp_path / "paired" / "ffmpeg"
    for exe in (alone, paired, paired.with_name("ffprobe")):
        exe.parent.mkdir(exist_ok=True)
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
    assert find_ffprobe(str(alone)) is None
    assert find_ffprobe(str(paired)) == str(paired.with_name("ffprobe"))
