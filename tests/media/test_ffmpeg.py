"""Finding and checking ffmpeg: parsers on captured output, the real binary, clear failures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from owncast_cli.media import ffmpeg as ffmpeg_module
from owncast_cli.media.codecs import VideoCodec
from owncast_cli.media.ffmpeg import (
    FFmpegNotFound,
    FFmpegSource,
    FFmpegUnusable,
    find_ffmpeg,
    inspect_ffmpeg,
    load_ffmpeg,
    parse_encoders,
    parse_muxers,
    parse_version,
    supported_h264_encoders,
)

# Trimmed from `ffmpeg -hide_banner -encoders` of the imageio-ffmpeg n9.0.2 build, plus an
# h264_videotoolbox row (that build has none) written in the same layout.
ENCODERS = """\
Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ..S... = Slice-level multithreading
 ...X.. = Codec is experimental
 ....B. = Supports draw_horiz_band
 .....D = Supports direct rendering method 1
 ------
 V....D a64multi             Multicolor charset for Commodore 64 (codec a64_multi)
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D libx264rgb           libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 RGB (codec h264)
 V....D libopenh264          OpenH264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_amf             AMD AMF H.264 Encoder (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)
 V..... h264_v4l2m2m         V4L2 mem2mem H.264 encoder wrapper (codec h264)
 V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)
 V....D h264_videotoolbox    VideoToolbox H.264 Encoder (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
 S..... ass                  ASS (Advanced SubStation Alpha) subtitle
"""

MUXERS = """\
Formats:
 D.. = Demuxing supported
 .E. = Muxing supported
 ..d = Is a device
 ---
  E  3g2             3GP2 (3GPP2 file format)
  E  hls             Apple HTTP Live Streaming
  E  mpegts          MPEG-TS (MPEG-2 Transport Stream)
  E  alsa            ALSA audio output
"""

VERSION = """\
ffmpeg version n9.0.2-17-g2a571b6068-20260930 Copyright (c) 2000-2026 the FFmpeg developers
built with gcc 16.2.0 (crosstool-NG 1.29.0.7_b1a94f6)
"""


def test_parse_encoders() -> None:
    assert parse_encoders(ENCODERS) == ("a64multi", "libx264", "libx264rgb", "libopenh264", "h264_amf", "h264_nvenc",
                                        "h264_qsv", "h264_v4l2m2m", "h264_vaapi", "h264_videotoolbox", "aac", "ass")


def test_supported_h264_encoders_in_preference_order() -> None:
    assert supported_h264_encoders(ENCODERS) == (VideoCodec.LIBX264, VideoCodec.NVENC, VideoCodec.VAAPI,
                                                 VideoCodec.QSV, VideoCodec.V4L2M2M, VideoCodec.VIDEOTOOLBOX)
    assert supported_h264_encoders("Encoders:\n ------\n A....D aac   AAC\n") == ()


@pytest.mark.parametrize(("text", "muxers"), [
    (MUXERS, {"3g2", "hls", "mpegts", "alsa"}),
    # Hand-made rows: two-letter flag columns and comma-separated names.
    (" ---\n  E mp4             MP4 (MPEG-4 Part 14)\n DE mov,mp4x   QuickTime\n", {"mp4", "mov", "mp4x"}),
])
def test_parse_muxers(text: str, muxers: set[str]) -> None:
    assert parse_muxers(text) == muxers


@pytest.mark.parametrize(("text", "version"), [
    (VERSION, "n9.0.2-17-g2a571b6068-20260930"),
    ("ffmpeg version 5.1.6-0+deb12u1 Copyright (c) 2000-2024 the FFmpeg developers\n", "5.1.6-0+deb12u1"),
    ("nonsense", ""),
])
def test_parse_version(text: str, version: str) -> None:
    assert parse_version(text) == version


def test_the_bundled_ffmpeg_is_usable() -> None:
    info = load_ffmpeg()
    assert info.has_hls and info.has_mpegts and info.has_aac
    assert VideoCodec.LIBX264 in info.h264_encoders and info.supports("libx264")
    assert info.version
    assert os.access(info.path, os.X_OK)


def test_configured_path_wins(ffmpeg_path: str) -> None:
    assert find_ffmpeg(ffmpeg_path) == (ffmpeg_path, FFmpegSource.CONFIGURED)


def test_missing_configured_path_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(FFmpegNotFound, match=r"ffmpeg_path is set to .*owncast config set ffmpeg_path"):
        find_ffmpeg(str(tmp_path / "nope"))


def test_nothing_found_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(ffmpeg_module, "_bundled_ffmpeg", lambda: None)
    with pytest.raises(FFmpegNotFound, match="pip install imageio-ffmpeg"):
        find_ffmpeg()


def test_path_comes_before_bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _script(tmp_path / "ffmpeg", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_ffmpeg() == (str(fake), FFmpegSource.PATH)


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_a_binary_that_fails_is_unusable(tmp_path: Path) -> None:
    broken = _script(tmp_path / "ffmpeg", "echo 'error while loading shared libraries' >&2; exit 127")
    with pytest.raises(FFmpegUnusable, match=r"failed \(exit 127\): error while loading shared libraries"):
        inspect_ffmpeg(str(broken))


def test_a_binary_without_hls_is_unusable(tmp_path: Path) -> None:
    # A stand-in answering like a build without the hls muxer.
    (tmp_path / "encoders.txt").write_text(ENCODERS)
    (tmp_path / "muxers.txt").write_text(MUXERS.replace("hls ", "flv "))
    fake = _script(tmp_path / "ffmpeg", f"""case "$2" in
  -version) echo 'ffmpeg version 4.4-test' ;;
  -encoders) cat {tmp_path}/encoders.txt ;;
  -muxers) cat {tmp_path}/muxers.txt ;;
esac""")
    with pytest.raises(FFmpegUnusable, match=r"ffmpeg 4.4-test\) was built without the hls muxer"):
        inspect_ffmpeg(str(fake))


def test_a_binary_without_h264_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "muxers.txt").write_text(MUXERS)
    fake = _script(tmp_path / "ffmpeg", f"""case "$2" in
  -version) echo 'ffmpeg version 4.4-test' ;;
  -encoders) echo ' ------'; echo ' A....D aac   AAC' ;;
  -muxers) cat {tmp_path}/muxers.txt ;;
esac""")
    with pytest.raises(FFmpegUnusable, match="has none of the H.264 encoders libx264, h264_nvenc"):
        inspect_ffmpeg(str(fake))


def test_a_hanging_binary_times_out(tmp_path: Path) -> None:
    hanging = _script(tmp_path / "ffmpeg", "exec sleep 5")
    with pytest.raises(FFmpegUnusable, match="did not answer within 0.2 s"):
        inspect_ffmpeg(str(hanging), timeout=0.2)
