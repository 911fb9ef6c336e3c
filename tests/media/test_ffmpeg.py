"""Finding and checking ffmpeg: parsers on captured output, the real binary, clear failures."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from owncast_cli.media import ffmpeg as ffmpeg_module
from owncast_cli.media.capabilities import parse_encoders, parse_muxers
from owncast_cli.media.codecs import VideoCodec
from owncast_cli.media.ffmpeg import (
    FFmpegInfo,
    FFmpegNotFound,
    FFmpegSource,
    FFmpegUnusable,
    find_ffmpeg,
    inspect_ffmpeg,
    supported_h264_encoders,
)

# A hand-made -encoders table: an h264_videotoolbox row (no captured build has one) in the same layout.
ENCODERS = """\
Encoders:
 V..... = Video
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_videotoolbox    VideoToolbox H.264 Encoder (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
"""

MUXERS = """\
Formats:
 D.. = Demuxing supported
 .E. = Muxing supported
 ---
  E  hls             Apple HTTP Live Streaming
  E  mpegts          MPEG-TS (MPEG-2 Transport Stream)
"""


def test_supported_h264_encoders_in_preference_order() -> None:
    assert supported_h264_encoders(parse_encoders(ENCODERS)) == (VideoCodec.LIBX264, VideoCodec.VIDEOTOOLBOX)
    assert supported_h264_encoders(parse_encoders("Encoders:\n ------\n A....D aac   AAC\n")) == ()


@pytest.mark.parametrize(("text", "muxers"), [
    # Hand-made rows: two-letter flag columns and comma-separated names.
    (" ---\n  E mp4             MP4 (MPEG-4 Part 14)\n DE mov,mp4x   QuickTime\n", {"mp4", "mov", "mp4x"}),
])
def test_parse_muxers(text: str, muxers: set[str]) -> None:
    assert parse_muxers(text) == muxers


def test_each_ffmpeg_is_usable(each_ffmpeg: FFmpegInfo) -> None:
    info = each_ffmpeg
    assert info.has_hls and info.has_mpegts and info.has_aac
    assert VideoCodec.LIBX264 in info.h264_encoders and info.supports("libx264")
    assert info.version and os.access(info.path, os.X_OK)
    assert {"gradients", "color", "palettegen", "paletteuse"} <= info.capabilities.filters
    assert info.capabilities.option("filter=gradients", "speed") is not None
    assert info.path in info.name and info.version in info.name


def test_capabilities_are_cached_per_binary(tmp_path: Path) -> None:
    # A stand-in that counts its calls: the second look-up reads the cache, a changed binary does not.
    calls = tmp_path / "calls"
    fake = _script(tmp_path / "ffmpeg", f"""echo "$2" >> {calls}
case "$2" in
  -version) echo 'ffmpeg version 6.0-test' ;;
  -encoders) printf ' ------\\n V....D libx264   x264\\n' ;;
  -muxers) printf ' ---\\n  E hls   HLS\\n' ;;
esac""")
    first = inspect_ffmpeg(str(fake), cache_dir=tmp_path / "cache")
    assert first.version == "6.0-test" and first.h264_encoders == (VideoCodec.LIBX264,)
    asked = calls.read_text().count("\n")
    assert asked == 5  # -version, -encoders, -muxers, -filters, -h filter=gradients
    assert inspect_ffmpeg(str(fake), cache_dir=tmp_path / "cache") == first
    assert calls.read_text().count("\n") == asked
    fake.write_text(fake.read_text().replace("6.0-test", "6.1-test"))  # upgraded in place
    assert inspect_ffmpeg(str(fake), cache_dir=tmp_path / "cache").version == "6.1-test"


def test_flag_wins_over_config_and_config_over_path(ffmpeg_path: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    other = _script(tmp_path / "ffmpeg", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_ffmpeg(ffmpeg_path) == (ffmpeg_path, FFmpegSource.CONFIG)
    assert find_ffmpeg(ffmpeg_path, flag_path=str(other)) == (str(other), FFmpegSource.FLAG)
    assert find_ffmpeg("ffmpeg") == (str(other), FFmpegSource.CONFIG)  # a command name on PATH


@pytest.mark.parametrize(("name", "value", "why"), [
    ("ffmpeg_path", "/nonexistent/ffmpeg", "no such file"),
    ("ffmpeg_path", str(Path(__file__)), "not an executable file"),
    ("--ffmpeg", "/tmp", "not an executable file"),
    ("--ffmpeg", "no-such-command-here", "not an executable file"),
])
def test_an_explicit_path_that_cannot_run_is_refused(name: str, value: str, why: str) -> None:
    kwargs = {"flag_path": value} if name == "--ffmpeg" else {"configured_path": value}
    with pytest.raises(FFmpegNotFound) as caught:
        find_ffmpeg(**kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(f"invalid value for {name}: {value!r} ({why}); allowed: the path of an "
                                        "executable ffmpeg, or a command name on PATH. Fix it with one of: ")


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
