"""``tmp/thumbnail.jpg`` and ``tmp/preview.gif`` from the newest segment of the best variant."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Final

import trio

from owncast_cli.media.ffmpeg import FFmpegInfo
from owncast_cli.transcode.argv import build_preview_argv, build_thumbnail_argv

logger = logging.getLogger("owncast.transcode.thumbnails")

#: Owncast's thumbnailGenerator interval.
INTERVAL_SECONDS: Final = 20.0
TIMEOUT_SECONDS: Final = 15.0
THUMBNAIL: Final = "thumbnail.jpg"
PREVIEW: Final = "preview.gif"


class Thumbnailer:
    """Renders both images for one stream; a failure is logged once per image, never raised.

    Both images are optional: a stream without them still plays, so a build or segment
    they cannot be made from costs one warning (naming the ffmpeg), then debug lines.
    """

    def __init__(self, ffmpeg: FFmpegInfo, tmp_dir: Path) -> None:
        self.ffmpeg = ffmpeg
        self.tmp_dir = tmp_dir
        self._warned: set[str] = set()

    def _failed(self, name: str, why: str) -> None:
        log = logger.debug if name in self._warned else logger.warning
        self._warned.add(name)
        log("%s could not make %s: %s", self.ffmpeg.name, name, why)

    async def _render(self, argv: list[str], partial: Path, final: Path) -> bool:
        try:
            with trio.fail_after(TIMEOUT_SECONDS):
                done = await trio.run_process(argv, stdin=subprocess.DEVNULL, capture_stdout=True,
                                              capture_stderr=True, check=False)
        except trio.Cancelled:
            partial.unlink(missing_ok=True)
            raise
        except trio.TooSlowError:
            self._failed(final.name, f"took longer than {TIMEOUT_SECONDS:.0f}s")
            partial.unlink(missing_ok=True)
            return False
        except OSError as exc:
            self._failed(final.name, str(exc))
            return False
        if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
            tail = done.stderr.decode("utf-8", "replace").strip()[-300:]
            self._failed(final.name, f"exit {done.returncode}: {tail}")
            partial.unlink(missing_ok=True)
            return False
        os.replace(partial, final)  # atomic: serve never sends half an image
        return True

    async def make(self, segment: Path) -> tuple[bool, bool]:
        """Render both images from ``segment``; each replaces the old one only when it worked.

        Returns:
            (thumbnail made, preview made).
        """
        tmp_dir, path = self.tmp_dir, self.ffmpeg.path
        tmp_dir.mkdir(parents=True, exist_ok=True)
        thumb_tmp = tmp_dir / f".{THUMBNAIL}.{os.getpid()}.tmp"
        gif_tmp = tmp_dir / f".{PREVIEW}.{os.getpid()}.tmp"
        thumb = await self._render(build_thumbnail_argv(path, segment, thumb_tmp), thumb_tmp, tmp_dir / THUMBNAIL)
        gif = await self._render(build_preview_argv(path, segment, gif_tmp, caps=self.ffmpeg.capabilities),
                                 gif_tmp, tmp_dir / PREVIEW)
        return thumb, gif
