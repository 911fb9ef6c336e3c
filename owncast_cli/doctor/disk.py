"""Local disk space for the HLS directory and the backups."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from owncast_cli.doctor.model import Finding, failed, passed, warning
from owncast_cli.settings import Settings

GIB: Final = 1 << 30
#: Free HLS space below these is a failure / a warning (a few minutes of 1080p HLS need ~1 GiB);
#: for backups, below two / ten copies of the database.
HLS_FAIL, HLS_WARN = GIB // 2, 2 * GIB


def _existing(path: Path) -> Path:
    """The nearest existing directory of ``path`` (it may not be created yet)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _free(path: Path) -> int:
    return shutil.disk_usage(_existing(path)).free


def check(settings: Settings) -> list[Finding]:
    """One finding for the HLS directory, one for the backup directory (blocking: statvfs, stat)."""
    free = _free(settings.hls_dir)
    seen = f"{free / GIB:.1f} GiB free for HLS segments in {settings.hls_dir}"
    fix = "Free space on that disk or move --datadir to a larger one; segments are written there even with S3."
    hls = (failed("storage.disk_hls", seen, fix) if free < HLS_FAIL
           else warning("storage.disk_hls", seen, fix) if free < HLS_WARN else passed("storage.disk_hls", seen))
    db_size = settings.db_path.stat().st_size if settings.db_path.exists() else 0
    free = _free(settings.backup_dir)
    seen = f"{free / GIB:.1f} GiB free for backups in {settings.backup_dir} (the database is {db_size / (1 << 20):.1f} MiB)"
    fix = "Free space there or point --backupdir at a larger disk: the hourly backup needs the database's size."
    backups = (failed("storage.disk_backup", seen, fix) if free < 2 * db_size
               else warning("storage.disk_backup", seen, fix) if free < 10 * db_size else passed("storage.disk_backup", seen))
    return [hls, backups]
