"""Thumbnail and preview with every ffmpeg on the machine; a failure warns once and never raises."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import trio

from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.media.probe import probe_media
from owncast_cli.transcode.thumbnails import PREVIEW, THUMBNAIL, Thumbnailer


async def test_both_images_from_a_segment(each_ffmpeg: FFmpegInfo, sample_flv: Path, tmp_path: Path) -> None:
    with trio.fail_after(30):
        assert await Thumbnailer(each_ffmpeg, tmp_path).make(sample_flv) == (True, True)
    thumb = probe_media(each_ffmpeg.path, tmp_path / THUMBNAIL, use_ffprobe=False)
    assert [(s["codec"], s["width"], s["height"]) for s in thumb["streams"]] == [("mjpeg", 640, 360)]
    gif = probe_media(each_ffmpeg.path, tmp_path / PREVIEW, use_ffprobe=False)
    assert [(s["codec"], s["width"], s["height"]) for s in gif["streams"]] == [("gif", 480, 270)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [PREVIEW, THUMBNAIL]


async def test_an_unreadable_segment_warns_once_naming_the_ffmpeg(each_ffmpeg: FFmpegInfo, tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    junk = tmp_path / "junk.ts"
    junk.write_bytes(b"not a video" * 100)
    out = tmp_path / "tmp"
    thumbnailer = Thumbnailer(each_ffmpeg, out)
    with caplog.at_level(logging.DEBUG, logger="owncast.transcode.thumbnails"), trio.fail_after(30):
        assert await thumbnailer.make(junk) == (False, False)
        assert await thumbnailer.make(junk) == (False, False)
    by_level = [(r.levelname, r.getMessage().split(":", 1)[0]) for r in caplog.records]
    named = f"{each_ffmpeg.path} (ffmpeg {each_ffmpeg.version}, from {each_ffmpeg.source.described}) could not make"
    assert by_level == [("WARNING", f"{named} {THUMBNAIL}"), ("WARNING", f"{named} {PREVIEW}"),
                        ("DEBUG", f"{named} {THUMBNAIL}"), ("DEBUG", f"{named} {PREVIEW}")]
    assert list(out.iterdir()) == []  # no image, no leftover temporary file
