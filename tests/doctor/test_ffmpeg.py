"""The ffmpeg checks with real binaries: missing, an encoder that cannot encode, the ladder's speed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.doctor.conftest import config_set, doctor, finding

DEBIAN_FFMPEG = "/usr/bin/ffmpeg"


def test_a_configured_ffmpeg_that_went_missing(prepared: Path) -> None:
    gone = prepared / "ffmpeg"
    shutil.copy(DEBIAN_FFMPEG, gone)
    config_set(prepared, "ffmpeg_path", str(gone))  # accepted while it exists ...
    gone.unlink()  # ... then removed, as an upgrade or a moved install does
    code, report = doctor(prepared, "ffmpeg")
    assert code == 1
    found = finding(report, "ffmpeg.found")
    assert found["status"] == "failed"
    assert f"invalid value for ffmpeg_path: '{gone}' (no such file)" in found["seen"]
    assert "`owncast config set ffmpeg_path /path/to/ffmpeg`" in found["fix"] and "apt install ffmpeg" in found["fix"]
    assert [c["check"] for c in report["checks"]] == ["ffmpeg.found"]


@pytest.mark.skipif(os.path.exists("/dev/dri/renderD128"), reason="this machine has a VA-API device")
def test_a_configured_encoder_that_cannot_encode(prepared: Path) -> None:
    config_set(prepared, "ffmpeg_path", DEBIAN_FFMPEG)  # Debian's build lists h264_vaapi
    config_set(prepared, "video_codec", "h264_vaapi")
    code, report = doctor(prepared, "ffmpeg")
    assert code == 1
    assert finding(report, "ffmpeg.found")["seen"].startswith("ffmpeg 5.1")
    vaapi = finding(report, "ffmpeg.encoder.h264_vaapi")
    assert vaapi["status"] == "failed"
    assert vaapi["seen"].startswith("video_codec h264_vaapi is compiled in but failed to encode: ")
    assert "/dev/dri/renderD128 for VA-API" in vaapi["fix"] and "video_codec libx264" in vaapi["fix"]
    # libx264 is not the configured one here, but it works: the report says so.
    assert finding(report, "ffmpeg.encoder.libx264")["status"] == "passed"
    assert "ffmpeg.speed" not in [c["check"] for c in report["checks"]]


def test_libx264_encodes_and_the_ladder_is_measured(prepared: Path) -> None:
    config_set(prepared, "ffmpeg_path", DEBIAN_FFMPEG)
    config_set(prepared, "video_stream_output_variants",
               '[{"videoBitrate": 800, "scaledHeight": 360, "framerate": 24, "cpuUsageLevel": 0},'
               ' {"videoPassthrough": true}]')
    code, report = doctor(prepared, "ffmpeg")
    libx264 = finding(report, "ffmpeg.encoder.libx264")
    assert libx264["status"] == "passed" and "(the configured video_codec)" in libx264["seen"]
    speed = finding(report, "ffmpeg.speed")
    assert speed["seen"].startswith("1 variant(s) with libx264 from 1280x720 at 30 fps (an assumed input")
    assert "x real time (headroom" in speed["seen"]
    assert speed["status"] in ("passed", "warning")  # a busy test machine may leave little headroom
    assert code == 0
    # Debian's build lists hardware encoders this machine cannot run: not configured, so not a failure.
    skipped = [c for c in report["checks"] if c["status"] == "skipped"]
    assert all(c["check"].startswith("ffmpeg.encoder.h264_") and "not configured" in c["seen"] for c in skipped)


def test_a_ladder_this_machine_cannot_encode_in_real_time(prepared: Path) -> None:
    config_set(prepared, "ffmpeg_path", DEBIAN_FFMPEG)
    config_set(prepared, "video_stream_output_variants",
               '[{"videoBitrate": 20000, "scaledWidth": 3840, "scaledHeight": 2160, "framerate": 120,'
               ' "cpuUsageLevel": 4}]')
    code, report = doctor(prepared, "ffmpeg")
    assert code == 1
    speed = finding(report, "ffmpeg.speed")
    assert speed["status"] == "failed"
    assert "1 variant(s) with libx264 from 1280x720 at 30 fps" in speed["seen"]
    assert "Lower the variants' cpuUsageLevel, drop or shrink a variant" in speed["fix"]


def test_the_binary_a_running_transcode_was_given_is_the_one_checked(prepared: Path) -> None:
    from owncast_cli import state
    from owncast_cli.db import open_database

    given = prepared / "ffmpeg-given"
    db = open_database(prepared / "owncast.db")
    # transcode records what it runs; this one was started with --ffmpeg, and that file is now gone.
    db.write(lambda: state.put(db, "transcoder", {"ffmpegPath": str(given), "source": "flag"}))
    db.close()
    found = finding(doctor(prepared, "ffmpeg")[1], "ffmpeg.found")
    assert found["status"] == "failed"
    assert f"invalid value for --ffmpeg: '{given}' (no such file)" in found["seen"]


def test_a_configured_encoder_the_build_lacks(prepared: Path) -> None:
    import imageio_ffmpeg

    bundled = imageio_ffmpeg.get_ffmpeg_exe()  # a static 9.x build without OpenMAX
    config_set(prepared, "ffmpeg_path", bundled)
    config_set(prepared, "video_codec", "h264_omx")
    code, report = doctor(prepared, "ffmpeg")
    assert code == 1
    omx = finding(report, "ffmpeg.encoder.h264_omx")
    assert omx["status"] == "failed" and omx["seen"] == f"video_codec is h264_omx, but {bundled} was built without it"
    assert omx["fix"].startswith("Choose an encoder this ffmpeg has (`owncast config set video_codec libx264`)")
