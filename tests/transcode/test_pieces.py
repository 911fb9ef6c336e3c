"""The transcoder's small pieces: segment window, plan, prefixes, health, offline clip checks."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from owncast_cli.media.capabilities import Capabilities, OptionSpec
from owncast_cli.media.codecs import VideoCodec
from owncast_cli.media.ffmpeg import FFmpegInfo, FFmpegSource
from owncast_cli.protocols.hls import MediaPlaylist, Segment
from owncast_cli.transcode.health import Throttle, health_report
from owncast_cli.transcode.offline import OfflineClipError, check_clip, ensure_generated_clip, resolve_clip
from owncast_cli.transcode.plan import plan_from_config, segment_prefix
from owncast_cli.transcode.playlists import SegmentWindow
from owncast_cli.transcode.progress import Progress
from tests.media.media_files import make_slate


def _playlist(first: int, last: int) -> MediaPlaylist:
    return MediaPlaylist.new(1, [Segment.new(f"s-{n}.ts", 1.0) for n in range(first, last + 1)], media_sequence=first)


def test_segment_window_reports_new_and_expired_segments() -> None:
    window = SegmentWindow(keep=3)
    first = window.update(_playlist(0, 1))
    assert [s.uri for s in first.new] == ["s-0.ts", "s-1.ts"] and first.expired == ()
    assert window.update(_playlist(0, 1)).new == ()
    step = window.update(_playlist(1, 4))
    assert [s.uri for s in step.new] == ["s-2.ts", "s-3.ts", "s-4.ts"] and step.expired == ("s-0.ts", "s-1.ts")
    assert window.listed == ("s-2.ts", "s-3.ts", "s-4.ts")
    with pytest.raises(ValueError):
        SegmentWindow(0)


@pytest.mark.parametrize(("stream_id", "restarts", "prefix"), [
    ("77589ce18dab", 0, "77589ce18dab"), ("77589ce18dab", 2, "77589ce18dabr2"),
    ("a/b%c-d", 0, "abcd"), ("", 1, "sr1"), ("x" * 40, 0, "x" * 12)])
def test_segment_prefix(stream_id: str, restarts: int, prefix: str) -> None:
    assert segment_prefix(stream_id, restarts) == prefix


def _info(*codecs: VideoCodec) -> FFmpegInfo:
    caps = Capabilities("7.0", encoders=frozenset({"aac", *(c.value for c in codecs)}), muxers=frozenset({"hls"}))
    return FFmpegInfo("/bin/ffmpeg", FFmpegSource.PATH, caps)


def test_plan_falls_back_to_an_available_codec() -> None:
    values = {"video_stream_output_variants": [{"videoPassthrough": True}, {"videoBitrate": 800}],
              "video_latency_level": 1, "video_codec": "h264_nvenc"}
    plan = plan_from_config(values, _info(VideoCodec.LIBX264))
    assert plan.codec == "libx264" and plan.warning and "h264_nvenc is not available" in plan.warning
    assert (plan.latency.seconds_per_segment, plan.latency.segment_count, plan.best_index) == (2, 15, 0)
    assert plan_from_config(values, _info(VideoCodec.LIBX264, VideoCodec.NVENC)).warning is None


def test_health_report_and_throttle() -> None:
    report = health_report(Progress(fps=24.0, speed=0.5, out_time_us=2_500_000), stream_id="s", restarts=1, ts="t")
    assert report["outTimeSeconds"] == 2.5 and not report["healthy"] and "0.50x" in report["message"]
    assert health_report(Progress(speed=1.0), stream_id="s", restarts=0, ts="t")["healthy"]
    throttle = Throttle(5.0)
    assert [throttle.due(t) for t in (0.0, 1.0, 4.9, 5.0, 6.0)] == [True, False, False, True, False]


def test_offline_clip_is_generated_once_and_a_bad_configured_clip_is_refused(each_ffmpeg: FFmpegInfo,
                                                                          tmp_path: Path) -> None:
    ffmpeg_path = each_ffmpeg.path
    clip = ensure_generated_clip(each_ffmpeg, tmp_path, 1)
    assert clip.duration == 1.0 and clip.uri.startswith("offline-") and clip.uri.endswith(".ts")
    mtime = clip.path.stat().st_mtime_ns
    assert ensure_generated_clip(each_ffmpeg, tmp_path, 1).path.stat().st_mtime_ns == mtime
    checked = check_clip(ffmpeg_path, clip.path)
    assert checked.duration == pytest.approx(1.0, abs=0.1) and checked.uri == clip.uri
    bad = tmp_path / "notes.txt"
    bad.write_text("not a video")
    with pytest.raises(OfflineClipError, match="not readable media"):
        check_clip(ffmpeg_path, bad)
    with pytest.raises(OfflineClipError, match="is not a file"):
        check_clip(ffmpeg_path, tmp_path / "missing.ts")
    used, refused = resolve_clip(each_ffmpeg, str(bad), tmp_path, 1)
    assert used.path == clip.path and refused and "using the built-in clip" in refused


def test_a_custom_clip_longer_than_a_segment_is_cut_to_one(each_ffmpeg: FFmpegInfo, tmp_path: Path) -> None:
    ffmpeg_path = each_ffmpeg.path
    custom = make_slate(each_ffmpeg, tmp_path / "custom.ts", 3.0, 160, 90)
    same, notice = resolve_clip(each_ffmpeg, str(custom), tmp_path, 3)
    assert same.path == custom and notice is None  # fits a 3 s segment as it is
    cut, notice = resolve_clip(each_ffmpeg, str(custom), tmp_path, 2)
    assert cut.path != custom and cut.path.parent == tmp_path and 1.5 <= cut.duration < 2.5
    assert notice and "longer than the 2 s segments" in notice and "only its first 2 s is shown" in notice
    assert check_clip(ffmpeg_path, cut.path).uri == cut.uri
    again, _ = resolve_clip(each_ffmpeg, str(custom), tmp_path, 2)
    assert again.path == cut.path and again.path.stat().st_mtime_ns == cut.path.stat().st_mtime_ns  # made once


def test_offline_clip_falls_back_to_the_next_source(each_ffmpeg: FFmpegInfo, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    # Capabilities that promise a speed no build accepts: the gradient fails, the plain colour is used.
    wrong = {"filter=gradients": {"speed": OptionSpec("speed", "float", -5.0, -5.0)}}
    lying = replace(each_ffmpeg, capabilities=replace(each_ffmpeg.capabilities, options=wrong))
    clip = ensure_generated_clip(lying, tmp_path, 1)
    assert check_clip(each_ffmpeg.path, clip.path).duration == pytest.approx(1.0, abs=0.1)
    [warning] = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith(f"{each_ffmpeg.path} (ffmpeg {each_ffmpeg.version}, from ")
    assert "could not draw the offline clip with gradients: " in warning and warning.endswith("with color instead")


def test_offline_clip_that_cannot_be_made_names_the_ffmpeg(tmp_path: Path) -> None:
    broken = tmp_path / "ffmpeg"
    broken.write_text("#!/bin/sh\necho 'Unknown encoder libx264' >&2\nexit 1\n")
    broken.chmod(0o755)
    info = FFmpegInfo(str(broken), FFmpegSource.CONFIG, Capabilities("4.4", filters=frozenset({"gradients"})))
    with pytest.raises(OfflineClipError) as caught:
        ensure_generated_clip(info, tmp_path, 1)
    assert str(caught.value) == (f"{broken} (ffmpeg 4.4, from config ffmpeg_path) could not make the offline clip "
                                 "(gradients: Unknown encoder libx264; color: Unknown encoder libx264)")
    assert not list(tmp_path.glob("*.ts")) and not list(tmp_path.glob(".*.tmp"))
