"""Local disk space for the HLS directory and the backups."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from owncast_cli.doctor.model import Finding, failed, passed, warning
from owncast_cli.settings import Settings

GIB: Final = 1 << 30
#: Free HLS space below these fails / warns (a few minutes of 1080p HLS need about 1 GiB).
HLS_FAIL, HLS_WARN = GIB // 2, 2 * GIB
#: Free backup space below these many copies of the database fails / warns.
BACKUP_FAIL_COPIES, BACKUP_WARN_COPIES = 2, 10


def _free(path: Path) -> int:
    """Free bytes on the disk that holds ``path`` (or its nearest existing parent: it may not exist yet)."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return shutil.disk_usage(path).free


def _judge(check: str, free: int, fail_below: int, warn_below: int, seen: str, fix: str) -> Finding:
    if free < fail_below:
        return failed(check, seen, fix)
    if free < warn_below:
        return warning(check, seen, fix)
    return passed(check, seen)


def check(settings: Settings) -> list[Finding]:
    """One finding for the HLS directory, one for the backups (blocking: statvfs, stat)."""
    free = _free(settings.hls_dir)
    hls = _judge("storage.disk_hls", free, HLS_FAIL, HLS_WARN,
                 f"{free / GIB:.1f} GiB free for HLS segments in {settings.hls_dir}",
                 "Free space on that disk or move --datadir to a larger one; segments are written there "
                 "even with S3.")
    size = settings.db_path.stat().st_size if settings.db_path.exists() else 0
    free = _free(settings.backup_dir)
    backups = _judge("storage.disk_backup", free, BACKUP_FAIL_COPIES * size, BACKUP_WARN_COPIES * size,
                     f"{free / GIB:.1f} GiB free for backups in {settings.backup_dir} (the database is "
                     f"{size / (1 << 20):.1f} MiB)",
                     "Free space there or point --backupdir at a larger disk: each backup needs the "
                     "database's size.")
    return [hls, backups]
