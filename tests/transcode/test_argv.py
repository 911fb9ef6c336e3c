"""The transcoder's ffmpeg argv: tables of configs to argument lists, then the real ffmpeg."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from owncast_cli.media.capabilities import Capabilities
from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.hls_report import SegmentFacts, build_probe_report
from owncast_cli.media.probe import probe_media
from owncast_cli.media.variants import DEFAULT_VARIANTS, StreamOutputVariant
from owncast_cli.protocols.hls import append_offline, parse_master_playlist, parse_media_playlist
from owncast_cli.transcode.argv import (
    VideoRates,
    build_ffmpeg_argv,
    build_offline_clip_argv,
    build_preview_argv,
    build_thumbnail_argv,
    segment_filename,
    video_rates,
)
from owncast_cli.transcode.progress import ProgressParser
from tests.media.media_files import FFMPEG_TIMEOUT, make_slate, run_ffmpeg

V = StreamOutputVariant
HEAD = ["ffmpeg", "-hide_banner", "-loglevel", "warning"]
INPUT = ["-fflags", "+genpts", "-flags", "+cgop", "-f", "flv", "-i", "pipe:0"]
FLAGS = "program_date_time+independent_segments+omit_endlist+temp_file+delete_segments"
FILES = ["-master_pl_name", "stream.m3u8", "-hls_segment_filename", "/hls/%v/stream-abc-%d.ts",
         "-max_muxing_queue_size", "400", "/hls/%v/stream.m3u8"]
MPEGTS = ["-segment_format_options", "mpegts_flags=mpegts_copyts=1"]


def hls(seconds: int, count: int) -> list[str]:
    return ["-f", "hls", "-hls_time", str(seconds), "-hls_list_size", str(count), "-hls_delete_threshold", "10",
            "-hls_flags", FLAGS, *MPEGTS]


X264_TAIL = ["-tune", "zerolatency", "-pix_fmt", "yuv420p", "-sc_threshold", "0"]


def argv(variants: list[StreamOutputVariant], level: int = 2, codec: str = "libx264", **options: object) -> list[str]:
    return build_ffmpeg_argv(ffmpeg_path="ffmpeg", input_url="pipe:0", input_format="flv", variants=variants,
                             latency_level=level, codec=codec, output_dir="/hls", segment_prefix="abc",
                             **options)  # type: ignore[arg-type]


def test_owncasts_default_variant() -> None:
    assert argv(list(DEFAULT_VARIANTS)) == [
        *HEAD, *INPUT,
        "-map", "v:0", "-c:v:0", "libx264", "-b:v:0", "1008k", "-maxrate:v:0", "1088k", "-bufsize:v:0", "1088k",
        "-g:v:0", "72", "-keyint_min:v:0", "72", "-r:v:0", "24",
        "-x264-params:v:0", "scenecut=0:open_gop=0", "-profile:v:0", "high", "-preset:v:0", "veryfast",
        "-map", "a:0", "-c:a:0", "copy",
        "-var_stream_map", "v:0,a:0",
        *hls(3, 10), *X264_TAIL, *FILES,
    ]


def test_several_variants_match_owncasts_x264_test_numbers() -> None:
    # The variants of Owncast's transcoder_x264_test.go: 1008k/1088k GOP 90, 3308k/3572k GOP 72.
    variants = [V(video_bitrate=1200, audio_passthrough=True, framerate=30, cpu_usage_level=2),
                V(video_bitrate=3500, audio_passthrough=True, framerate=24, cpu_usage_level=4),
                V(video_passthrough=True, audio_passthrough=True)]
    assert argv(variants) == [
        *HEAD, *INPUT,
        "-map", "v:0", "-c:v:0", "libx264", "-b:v:0", "1008k", "-maxrate:v:0", "1088k", "-bufsize:v:0", "1088k",
        "-g:v:0", "90", "-keyint_min:v:0", "90", "-r:v:0", "30",
        "-x264-params:v:0", "scenecut=0:open_gop=0", "-profile:v:0", "high", "-preset:v:0", "veryfast",
        "-map", "a:0", "-c:a:0", "copy",
        "-map", "v:0", "-c:v:1", "libx264", "-b:v:1", "3308k", "-maxrate:v:1", "3572k", "-bufsize:v:1", "3572k",
        "-g:v:1", "72", "-keyint_min:v:1", "72", "-r:v:1", "24",
        "-x264-params:v:1", "scenecut=0:open_gop=0", "-profile:v:1", "high", "-preset:v:1", "fast",
        "-map", "a:0", "-c:a:1", "copy",
        "-map", "v:0", "-c:v:2", "copy",
        "-map", "a:0", "-c:a:2", "copy",
        "-var_stream_map", "v:0,a:0 v:1,a:1 v:2,a:2",
        *hls(3, 10), *X264_TAIL, *FILES,
    ]


def test_passthrough_only_encodes_nothing() -> None:
    # No encoder runs, so no hardware setup and no encoder options, whatever the codec.
    assert argv([V(video_passthrough=True, audio_passthrough=True)], codec="h264_nvenc") == [
        *HEAD, *INPUT,
        "-map", "v:0", "-c:v:0", "copy", "-map", "a:0", "-c:a:0", "copy",
        "-var_stream_map", "v:0,a:0",
        *hls(3, 10), *FILES,
    ]


SCALED = V(video_bitrate=2000, scaled_height=720, framerate=30, audio_bitrate=128, cpu_usage_level=1)
SCALED_RATES = ["-b:v:0", "1808k", "-maxrate:v:0", "1952k", "-bufsize:v:0", "1952k",
                "-g:v:0", "60", "-keyint_min:v:0", "60", "-r:v:0", "30"]
AAC = ["-map", "a:0", "-c:a:0", "aac", "-b:a:0", "128k"]
VAAPI_GLOBAL = ["-hwaccel", "vaapi", "-hwaccel_output_format", "vaapi", "-vaapi_device", "/dev/dri/renderD128"]


@pytest.mark.parametrize(("codec", "global_flags", "variant_flags", "filters", "preset", "sws", "tail"), [
    ("libx264", [], ["-x264-params:v:0", "scenecut=0:open_gop=0", "-profile:v:0", "high"], "scale=-2:720",
     "superfast", True, X264_TAIL),
    ("h264_nvenc", ["-hwaccel", "cuda"], ["-tune:v:0", "ll"], "scale=-2:720", "p2", True,
     ["-pix_fmt", "yuv420p", "-sc_threshold", "0"]),
    ("h264_vaapi", VAAPI_GLOBAL, [], "scale_vaapi=-2:720,hwupload=extra_hw_frames=64,format=vaapi", "superfast",
     False, ["-pix_fmt", "vaapi", "-sc_threshold", "0"]),
    ("h264_qsv", ["-init_hw_device", "qsv=hw", "-filter_hw_device", "hw"], [],
     "scale_qsv=-2:720,hwupload=extra_hw_frames=64,format=qsv", "fast", False,
     ["-pix_fmt", "qsv", "-sc_threshold", "0"]),
    ("h264_omx", [], [], "scale=-2:720", "superfast", True, X264_TAIL),
    ("h264_v4l2m2m", [], [], "scale=-2:720", "superfast", True, ["-pix_fmt", "nv21", "-sc_threshold", "0"]),
    ("h264_videotoolbox", [], ["-realtime:v:0", "true"], "scale=-2:720", "superfast", True,
     ["-pix_fmt", "nv12", "-sc_threshold", "0"]),
])
def test_each_codec_family(codec: str, global_flags: list[str], variant_flags: list[str], filters: str, preset: str,
                           sws: bool, tail: list[str]) -> None:
    assert argv([SCALED], level=1, codec=codec) == [
        *HEAD, *global_flags, *INPUT,
        "-map", "v:0", "-c:v:0", codec, *SCALED_RATES, *variant_flags,
        "-filter:v:0", filters, "-preset:v:0", preset, *AAC,
        *(["-sws_flags", "bilinear"] if sws else []),
        "-var_stream_map", "v:0,a:0",
        *hls(2, 15), *tail, *FILES,
    ]


def test_hardware_upload_without_scaling() -> None:
    args = argv([V(video_bitrate=1000)], codec="h264_vaapi")
    assert args[args.index("-filter:v:0") + 1] == "hwupload=extra_hw_frames=64,format=vaapi"
    assert "-filter:v:0" not in argv([V(video_bitrate=1000)])


@pytest.mark.parametrize(("width", "height", "scale"), [(640, 0, "scale=640:-2"), (0, 360, "scale=-2:360"),
                                                        (640, 360, "scale=640:360")])
def test_scaling(width: int, height: int, scale: str) -> None:
    args = argv([V(scaled_width=width, scaled_height=height)])
    assert args[args.index("-filter:v:0") + 1] == scale


def _value(args: list[str], option: str) -> str:
    return args[args.index(option) + 1]


@pytest.mark.parametrize(("level", "seconds", "count", "gop"), [
    (0, "1", "25", "30"), (1, "2", "15", "60"), (2, "3", "10", "90"), (3, "4", "8", "120"), (4, "5", "5", "150"),
    (7, "5", "5", "150"),
])
def test_each_latency_level(level: int, seconds: str, count: str, gop: str) -> None:
    args = argv([V(framerate=30)], level=level)
    assert (_value(args, "-hls_time"), _value(args, "-hls_list_size"), _value(args, "-g:v:0"),
            _value(args, "-keyint_min:v:0")) == (seconds, count, gop, gop)


def test_video_only_input() -> None:
    # Owncast maps "a:0" into every variant and fails without audio (issue #400).
    assert argv([V(video_bitrate=1200, framerate=30, cpu_usage_level=0), V(video_passthrough=True)],
                level=0, has_audio=False) == [
        *HEAD, *INPUT,
        "-map", "v:0", "-c:v:0", "libx264", "-b:v:0", "1200k", "-maxrate:v:0", "1296k", "-bufsize:v:0", "1296k",
        "-g:v:0", "30", "-keyint_min:v:0", "30", "-r:v:0", "30",
        "-x264-params:v:0", "scenecut=0:open_gop=0", "-profile:v:0", "high", "-preset:v:0", "ultrafast",
        "-map", "v:0", "-c:v:1", "copy",
        "-var_stream_map", "v:0 v:1",
        *hls(1, 25), *X264_TAIL, *FILES,
    ]


def test_audio_only_input() -> None:
    assert argv([V(video_bitrate=1200, audio_bitrate=96), V(video_passthrough=True, audio_passthrough=True)],
                codec="h264_vaapi", has_video=False) == [
        *HEAD, *INPUT,
        "-map", "a:0", "-c:a:0", "aac", "-b:a:0", "96k",
        "-map", "a:0", "-c:a:1", "copy",
        "-var_stream_map", "a:0 a:1",
        *hls(3, 10), *FILES,
    ]


def test_options() -> None:
    args = argv(list(DEFAULT_VARIANTS), progress_url="pipe:1", append=True, delete_segments=False)
    assert args[-4:-1] == ["-progress", "pipe:1", "-nostats"]
    assert _value(args, "-hls_flags") == "program_date_time+independent_segments+omit_endlist+temp_file+append_list"
    assert "-hls_delete_threshold" not in args
    no_format = build_ffmpeg_argv(ffmpeg_path="/usr/bin/ffmpeg", input_url="unix:/run/in.sock",
                                  variants=DEFAULT_VARIANTS, latency_level=2, output_dir=Path("/data/hls"),
                                  segment_prefix="x1", delete_threshold=30)
    assert no_format[:10] == ["/usr/bin/ffmpeg", "-hide_banner", "-loglevel", "warning", "-fflags", "+genpts",
                              "-flags", "+cgop", "-i", "unix:/run/in.sock"]
    assert _value(no_format, "-hls_delete_threshold") == "30"
    assert _value(no_format, "-hls_segment_filename") == "/data/hls/%v/stream-x1-%d.ts"


@pytest.mark.parametrize(("options", "message"), [
    ({"variants": []}, "at least one variant"),
    ({"has_audio": False, "has_video": False}, "neither audio nor video"),
    ({"codec": "libx265"}, "unsupported video codec"),
    ({"segment_prefix": "a/b"}, "segment_prefix"),
    ({"segment_prefix": "100%"}, "segment_prefix"),
    ({"segment_prefix": ""}, "segment_prefix"),
    ({"output_dir": "/tmp/50%"}, "output_dir"),
])
def test_bad_arguments(options: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"ffmpeg_path": "ffmpeg", "input_url": "pipe:0", "variants": DEFAULT_VARIANTS,
                               "latency_level": 2, "output_dir": "/hls", "segment_prefix": "abc"}
    with pytest.raises(ValueError, match=message):
        build_ffmpeg_argv(**{**base, **options})  # type: ignore[arg-type]


@pytest.mark.parametrize(("variant", "has_audio", "rates"), [
    (V(video_bitrate=1200), True, VideoRates(1008, 1088, 1088)),
    (V(video_bitrate=1200), False, VideoRates(1200, 1296, 1296)),
    (V(), True, VideoRates(1008, 1088, 1088)),
    (V(video_bitrate=300), True, VideoRates(150, 162, 162)),  # never below half the budget
])
def test_video_rates(variant: StreamOutputVariant, has_audio: bool, rates: VideoRates) -> None:
    assert video_rates(variant, has_audio=has_audio) == rates


def test_still_argvs() -> None:
    assert build_thumbnail_argv("ffmpeg", "/hls/0/s.ts", "/tmp/t.jpg") == [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-threads", "1", "-t", "1", "-i", "/hls/0/s.ts",
        "-f", "image2", "-frames:v", "1", "-update", "1", "/tmp/t.jpg"]
    palettes = Capabilities("9.0", filters=frozenset({"split", "palettegen", "paletteuse"}))
    assert build_preview_argv("ffmpeg", "/hls/0/s.ts", "/tmp/p.gif", caps=palettes) == [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-t", "1", "-i", "/hls/0/s.ts",
        "-vf", "fps=8,scale=480:-1:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse",
        "-an", "-loop", "0", "-f", "gif", "/tmp/p.gif"]
    # A build without the palette filters gets ffmpeg's default GIF palette.
    plain = build_preview_argv("ffmpeg", "/hls/0/s.ts", "/tmp/p.gif", caps=Capabilities("4.0"))
    assert _value(plain, "-vf") == "fps=8,scale=480:-1:flags=lanczos"
    clip = build_offline_clip_argv("ffmpeg", "/data/offline.ts", 8, video_source="color=c=black")
    assert clip[clip.index("-i") + 1] == "color=c=black"
    assert (_value(clip, "-t"), _value(clip, "-g"), _value(clip, "-c:v"), _value(clip, "-c:a"), clip[-3:]) == (
        "8", "192", "libx264", "aac", ["-f", "mpegts", "/data/offline.ts"])


# --- the real ffmpeg --------------------------------------------------------------------------

def _first_frame_is_key(ffmpeg_path: str, path: Path) -> bool:
    done = subprocess.run([ffmpeg_path, "-hide_banner", "-i", str(path), "-vf", "showinfo", "-frames:v", "1",
                           "-f", "null", "-"], capture_output=True, timeout=FFMPEG_TIMEOUT, check=False)
    match = re.search(r"n:\s*0 .*?iskey:(\d)", done.stderr.decode("utf-8", "replace"))
    return match is not None and match.group(1) == "1"


def test_transcode_two_variants_at_one_second_segments(each_ffmpeg: FFmpegInfo, sample_flv: Path,
                                                       tmp_path: Path) -> None:
    ffmpeg_path = each_ffmpeg.path
    variants = [V(video_bitrate=800, scaled_height=180, framerate=30, audio_bitrate=64, cpu_usage_level=0),
                V(video_bitrate=500, scaled_width=256, framerate=15, cpu_usage_level=0)]
    args = build_ffmpeg_argv(ffmpeg_path=ffmpeg_path, input_url=str(sample_flv), input_format="flv",
                             variants=variants, latency_level=0, output_dir=tmp_path, segment_prefix="t1",
                             progress_url="pipe:1")
    done = run_ffmpeg(args)
    reports = ProgressParser().feed(done.stdout)
    assert reports and reports[-1].ended and reports[-1].out_time_us == pytest.approx(4_000_000, abs=200_000)

    master = parse_master_playlist((tmp_path / "stream.m3u8").read_text())
    assert [v.uri for v in master.variants] == ["0/stream.m3u8", "1/stream.m3u8"]
    assert [v.resolution for v in master.variants] == [(320, 180), (256, 144)]
    playlists = {}
    facts = {}
    for index, (width, height) in enumerate([(320, 180), (256, 144)]):
        playlist = parse_media_playlist((tmp_path / str(index) / "stream.m3u8").read_text())
        playlists[f"{index}/stream.m3u8"] = playlist
        assert playlist.target_duration == 1 and playlist.independent_segments and not playlist.endlist
        assert [s.uri for s in playlist.segments[:4]] == [segment_filename("t1", n) for n in range(4)]
        assert all(s.duration == pytest.approx(1.0, abs=0.05) for s in playlist.segments[:-1])
        assert sum(s.duration for s in playlist.segments) == pytest.approx(4.0, abs=0.2)
        segment = tmp_path / str(index) / segment_filename("t1", 1)
        info = probe_media(ffmpeg_path, segment, use_ffprobe=False)
        video = next(s for s in info["streams"] if s["type"] == "video")
        assert (video["width"], video["height"]) == (width, height)
        assert [s["codec"] for s in info["streams"]] == ["h264", "aac"]
        facts[(f"{index}/stream.m3u8", segment.name)] = SegmentFacts(
            info["duration"], _first_frame_is_key(ffmpeg_path, segment), video["width"], video["height"])
    assert not list(tmp_path.rglob("*.tmp"))  # temp_file: every segment was renamed into place
    report = build_probe_report(master, playlists, facts)
    assert report.ok, report.warnings
    assert [row.keyframe_starts for row in report.rows] == [1, 1]

    # The stream ends: the offline clip closes each playlist.
    make_slate(each_ffmpeg, tmp_path / "offline.ts", 1.0, 320, 180)
    closed = parse_media_playlist(append_offline((tmp_path / "0" / "stream.m3u8").read_text(), "offline.ts", 1.0))
    assert closed.endlist and closed.segments[-1].discontinuity and closed.target_duration == 1


def test_thumbnail_preview_and_offline_clip_are_valid_files(each_ffmpeg: FFmpegInfo, sample_flv: Path,
                                                            tmp_path: Path) -> None:
    ffmpeg_path = each_ffmpeg.path
    run_ffmpeg(build_thumbnail_argv(ffmpeg_path, sample_flv, tmp_path / "thumbnail.jpg.tmp"))
    thumb = probe_media(ffmpeg_path, tmp_path / "thumbnail.jpg.tmp", use_ffprobe=False)
    assert [(s["codec"], s["width"], s["height"]) for s in thumb["streams"]] == [("mjpeg", 640, 360)]

    run_ffmpeg(build_preview_argv(ffmpeg_path, sample_flv, tmp_path / "preview.gif", caps=each_ffmpeg.capabilities))
    gif = probe_media(ffmpeg_path, tmp_path / "preview.gif", use_ffprobe=False)
    assert [(s["codec"], s["width"], s["height"]) for s in gif["streams"]] == [("gif", 480, 270)]
    assert gif["duration"] == pytest.approx(1.0, abs=0.2)

    clip = make_slate(each_ffmpeg, tmp_path / "offline.ts", 2.0, 640, 360)
    info = probe_media(ffmpeg_path, clip, use_ffprobe=False)
    assert info["format"] == "mpegts" and info["duration"] == pytest.approx(2.0, abs=0.1)
    assert [(s["type"], s["codec"]) for s in info["streams"]] == [("video", "h264"), ("audio", "aac")]
    assert (info["streams"][0]["width"], info["streams"][0]["height"]) == (640, 360)
    assert _first_frame_is_key(ffmpeg_path, clip)
