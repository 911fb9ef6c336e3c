"""``tmp/thumbnail.jpg`` and ``tmp/preview.gif`` from the newest segment of the best variant."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Final

import trio

from owncast_cli.transcode.argv import build_preview_argv, build_thumbnail_argv

logger = logging.getLogger("owncast.transcode.thumbnails")

#: Owncast's thumbnailGenerator interval.
INTERVAL_SECONDS: Final = 20.0
TIMEOUT_SECONDS: Final = 15.0
THUMBNAIL: Final = "thumbnail.jpg"
PREVIEW: Final = "preview.gif"


async def _render(argv: list[str], partial: Path, final: Path) -> bool:
    try:
        with trio.fail_after(TIMEOUT_SECONDS):
            done = await trio.run_process(argv, stdin=subprocess.DEVNULL, capture_stdout=True,
                                          capture_stderr=True, check=False)
    except trio.Cancelled:
        partial.unlink(missing_ok=True)
        raise
    except trio.TooSlowError:
        logger.warning("%s took longer than %.0fs; skipped", final.name, TIMEOUT_SECONDS)
        partial.unlink(missing_ok=True)
        return False
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        tail = done.stderr.decode("utf-8", "replace").strip()[-300:]
        logger.warning("could not make %s (exit %s): %s", final.name, done.returncode, tail)
        partial.unlink(missing_ok=True)
        return False
    os.replace(partial, final)  # atomic: serve never sends half an image
    return True


async def make_thumbnails(ffmpeg_path: str, segment: Path, tmp_dir: Path) -> tuple[bool, bool]:
    """Render both images from ``segment``; each replaces the old one only when it worked.

    Returns:
        (thumbnail made, preview made).
    """
    tmp_dir.mkdir(parents=True, exist_ok=True)
    thumb_tmp = tmp_dir / f".{THUMBNAIL}.{os.getpid()}.tmp"
    gif_tmp = tmp_dir / f".{PREVIEW}.{os.getpid()}.tmp"
    thumb = await _render(build_thumbnail_argv(ffmpeg_path, segment, thumb_tmp), thumb_tmp, tmp_dir / THUMBNAIL)
    gif = await _render(build_preview_argv(ffmpeg_path, segment, gif_tmp), gif_tmp, tmp_dir / PREVIEW)
    return thumb, gif
