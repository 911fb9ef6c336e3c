"""Choosing the ffmpeg: the config key refuses what cannot run, and `owncast status` says which one is used."""

from __future__ import annotations

import json
from pathlib import Path

from owncast_cli.media.ffmpeg import FFmpegInfo
from tests.conftest import owncast


def status_ffmpeg(datadir: Path) -> dict[str, object]:
    return json.loads(owncast("status", "--json", datadir=datadir, check=True).stdout)["ffmpeg"]


def test_the_config_key_is_validated_and_status_shows_the_pick(migrated: Path, default_ffmpeg: FFmpegInfo,
                                                               tmp_path: Path) -> None:
    # Before transcode has run, status shows the binary it would pick, unchecked.
    before = status_ffmpeg(migrated)
    assert before["path"] == default_ffmpeg.path and before["checked"] is False
    assert before["from"] == default_ffmpeg.source.described

    notes = tmp_path / "notes.txt"
    notes.write_text("not a program\n")
    refused = owncast("config", "set", "ffmpeg_path", str(notes), datadir=migrated)
    assert refused.returncode != 0
    assert (f"invalid value for ffmpeg_path: {str(notes)!r}; allowed: the path of an executable file "
            "(or a command name on PATH), or empty to auto-detect") in refused.stderr
    assert status_ffmpeg(migrated)["path"] == default_ffmpeg.path  # nothing was stored

    owncast("config", "set", "ffmpeg_path", default_ffmpeg.path, datadir=migrated, check=True)
    assert status_ffmpeg(migrated)["from"] == "config ffmpeg_path"
    owncast("config", "set", "ffmpeg_path", "", datadir=migrated, check=True)  # back to auto-detect
    assert status_ffmpeg(migrated)["from"] == default_ffmpeg.source.described


def test_the_flag_refuses_what_cannot_run(migrated: Path) -> None:
    result = owncast("transcode", "--ffmpeg", "/nonexistent/ffmpeg", datadir=migrated)
    assert result.returncode == 2
    text = " ".join(result.stderr.replace("│", " ").split())  # rich draws a box around usage errors
    assert ("Invalid value for '--ffmpeg': '/nonexistent/ffmpeg' (no such file); allowed: the path of an "
            "executable ffmpeg, or a command name on PATH") in text
