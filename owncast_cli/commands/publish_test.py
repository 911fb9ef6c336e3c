"""``owncast publish-test``: a test pattern with a tone and a clock, published through ffmpeg."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import rich_click as click

from owncast_cli.commands.options import EXIT_USAGE, fail, ffmpeg_option
from owncast_cli.settings import Settings

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
)


def find_font() -> str | None:
    for candidate in FONT_CANDIDATES:
        if os.path.exists(candidate):
            return candidate
    return None


def build_argv(ffmpeg: str, url: str, *, width: int, height: int, fps: int,
               duration: float | None, font: str | None, bitrate_kbps: int = 2500) -> list[str]:
    """A realtime testsrc2 + sine publish (H.264 + AAC, 2 s GOP) with a wall clock burned in."""
    video = f"testsrc2=size={width}x{height}:rate={fps}"
    if font:
        # %{localtime} shows the wall clock of each frame as it is made: with -re that is its
        # publish time, which lets a viewer (or a benchmark) read end-to-end latency off the video.
        text = r"%{localtime\:%H\\\:%M\\\:%S}.%{eif\:mod(t*1000,1000)\:d\:3}"
        video += (f",drawtext=fontfile={font}:text='{text}':fontsize={max(16, height // 12)}"
                  ":fontcolor=white:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-20")
    argv = [ffmpeg, "-hide_banner", "-loglevel", "warning", "-re",
            "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
    if duration is not None:
        argv += ["-t", f"{duration:g}"]
    argv += ["-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
             "-b:v", f"{bitrate_kbps}k", "-maxrate", f"{bitrate_kbps}k", "-bufsize", f"{bitrate_kbps * 2}k",
             "-g", str(fps * 2), "-keyint_min", str(fps * 2), "-sc_threshold", "0",
             "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-f", "flv", url]
    return argv


def default_url(settings: Settings) -> str:
    from owncast_cli.commands.common import open_db
    from owncast_cli.config import ConfigStore
    from owncast_cli.daemons.records import all_records

    db = open_db(settings)
    try:
        # A running ingest knows its real port (it may have been started with --rtmpport 0).
        for record in all_records(db):
            if record.name == "ingest" and record.alive and record.detail.startswith("rtmp://"):
                base = record.detail.split(",")[0].replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]")
                break
        else:
            base = f"rtmp://127.0.0.1:{ConfigStore(db).get('rtmp_port_number')}"
        key = settings.streamkey or ConfigStore(db).get("stream_keys")[0]["key"]
    finally:
        db.close()
    return f"{base}/live/{key}"


@click.command("publish-test")
@click.option("--url", default=None, help="RTMP URL to publish to (default: the local ingest with the first stream key).")
@click.option("--duration", type=click.FloatRange(min=0.1), default=None, help="Seconds to publish (default: until Ctrl-C).")
@click.option("--size", default="1280x720", show_default=True, help="Video size WxH.")
@click.option("--fps", type=click.IntRange(1, 120), default=30, show_default=True, help="Frames per second.")
@click.option("--bitrate", type=click.IntRange(100, 100_000), default=2500, show_default=True, help="Video kbit/s.")
@click.option("--datadir", type=click.Path(path_type=Path), envvar="OWNCAST_DATADIR", default=Path("data"),
              show_default=True, help="Data directory (to find the local ingest and stream key).")
@click.option("--streamkey", default=None, help="Stream key to use instead of the first configured one.")
@ffmpeg_option
def publish_test_command(url: str | None, duration: float | None, size: str, fps: int, bitrate: int,
                         datadir: Path, streamkey: str | None, ffmpeg: str | None) -> None:
    """Publish a test pattern with a tone and a burned-in clock through ffmpeg (no OBS needed)."""
    try:
        width, height = (int(part) for part in size.lower().split("x"))
        if width < 16 or height < 16 or width % 2 or height % 2:
            raise ValueError
    except ValueError:
        fail(f"--size {size!r}: expected even WIDTHxHEIGHT of at least 16x16, e.g. 1280x720", EXIT_USAGE)
    from owncast_cli.media.ffmpeg import FFmpegError, load_ffmpeg

    try:
        path = load_ffmpeg(flag_path=ffmpeg).path
    except FFmpegError as exc:
        fail(str(exc))
    target = url or default_url(Settings(datadir=datadir, streamkey=streamkey))
    argv = build_argv(path, target, width=width, height=height, fps=fps, duration=duration,
                      font=find_font(), bitrate_kbps=bitrate)
    click.echo(f"publishing {width}x{height}@{fps} to {target.rsplit('/', 1)[0]}/…", err=True)
    try:
        code = subprocess.call(argv)
    except KeyboardInterrupt:
        code = 0
    sys.exit(code)
