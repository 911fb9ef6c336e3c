"""An ffmpeg that cannot make the optional assets: the stream still ends right, with one warning each."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from owncast_cli.media.ffmpeg import FFmpegInfo
from tests.conftest import owncast, start_run_all
from tests.media.media_files import SYSTEM_FFMPEG
from tests.transcode.test_e2e import events, playlist, publish, wait_for

SMALL = [{"videoBitrate": 400, "scaledHeight": 180, "framerate": 30, "cpuUsageLevel": 0}]


def refusing_ffmpeg(directory: Path, real: str) -> Path:
    """A wrapper that runs ``real`` but fails every offline clip, thumbnail and preview, as a broken build would."""
    wrapper = directory / "ffmpeg-without-extras"
    wrapper.write_text(f"""#!/bin/sh
case "$*" in
  *anullsrc*|*image2*|*" gif "*) echo "Filter not found" >&2; exit 1 ;;
esac
exec {real} "$@"
""")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def test_a_stream_ends_cleanly_when_no_optional_asset_can_be_made(migrated: Path,
                                                                  default_ffmpeg: FFmpegInfo) -> None:
    real = SYSTEM_FFMPEG if os.access(SYSTEM_FFMPEG, os.X_OK) else default_ffmpeg.path
    wrapper = refusing_ffmpeg(migrated, real)
    for key, value in (("video_latency_level", "0"), ("video_stream_output_variants", json.dumps(SMALL))):
        owncast("config", "set", key, value, datadir=migrated, check=True)
    server = start_run_all(migrated, "--ffmpeg", str(wrapper))
    try:
        server.wait_ready()
        status = server.status()
        assert status["ffmpeg"]["path"] == str(wrapper) and status["ffmpeg"]["from"] == "--ffmpeg"
        shown = " ".join(owncast("status", datadir=migrated, check=True).stdout.split())  # rich wraps lines
        assert f"at {wrapper} (from --ffmpeg)" in shown
        publisher = publish(migrated, 5)
        assert publisher.wait(timeout=30) == 0
        closed = wait_for("the playlist to end", lambda: (p := playlist(migrated, 0)) and p.endlist and p, 20, server)
        # No offline clip could be made: the live segments end the playlist, and it is closed.
        assert closed.segments and all(s.uri.startswith("stream-") for s in closed.segments)
        wait_for("transcode.stopped", lambda: events(migrated, "transcode.stopped"), 10, server)
        transcode = {d["name"]: d for d in server.status()["daemons"]}["transcode"]
        assert transcode["state"] == "running" and transcode["restarts"] == 0
        log = server.log.read_text()
        named = f"{wrapper} (ffmpeg "
        assert log.count(f"{named}") >= 3 and "Traceback" not in log
        assert log.count("could not make the offline clip") == 1
        assert log.count("could not make thumbnail.jpg") == 1 and log.count("could not make preview.gif") == 1
        warnings = [w["message"] for w in events(migrated, "transcode.warning")]
        assert len(warnings) == 1 and warnings[0].endswith("; streams end without an offline clip")
        assert not (migrated / "tmp" / "thumbnail.jpg").exists()
        assert server.stop(timeout=10) == 0
    finally:
        server.stop(timeout=10)
