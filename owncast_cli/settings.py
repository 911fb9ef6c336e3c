"""Run-time settings: where the data lives and the flags of this run (Owncast's names)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DATADIR = "data"


@dataclass(frozen=True)
class Settings:
    """What every daemon needs to find its files, plus the per-run overrides.

    Owncast's layout (``--datadir`` holds everything): ``owncast.db``, ``backup/``, ``logs/``,
    ``hls/``, ``tmp/``, ``emoji/``, ``public/``, and our ``run/`` for Unix sockets.
    """

    datadir: Path = Path(DEFAULT_DATADIR)
    database: Path | None = None
    backupdir: Path | None = None
    logdir: Path | None = None
    #: ``--streamkey``: replaces the stored keys for this run only.
    streamkey: str | None = None
    verbose: bool = False
    plugins_dir: Path | None = None
    #: ``--ffmpeg``: the binary transcode runs, over the ``ffmpeg_path`` key and auto-detection.
    ffmpeg: str | None = None
    #: Per-run overrides of listen addresses (tests bind port 0 through these).
    web_host: str | None = None
    web_port: int | None = None
    rtmp_host: str | None = None
    rtmp_port: int | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.database or self.datadir / "owncast.db"

    @property
    def backup_dir(self) -> Path:
        return self.backupdir or self.datadir / "backup"

    @property
    def log_dir(self) -> Path:
        return self.logdir or self.datadir / "logs"

    @property
    def hls_dir(self) -> Path:
        return self.datadir / "hls"

    @property
    def tmp_dir(self) -> Path:
        return self.datadir / "tmp"

    @property
    def emoji_dir(self) -> Path:
        return self.datadir / "emoji"

    @property
    def public_dir(self) -> Path:
        return self.datadir / "public"

    @property
    def run_dir(self) -> Path:
        return self.datadir / "run"

    def socket_path(self, name: str) -> Path:
        """The Unix socket ``run/<name>.sock``; Linux caps the path at 108 bytes."""
        path = self.run_dir / f"{name}.sock"
        if len(os.fsencode(path.absolute())) > 107:
            raise ValueError(
                f"socket path {path.absolute()} is longer than Linux allows (107 bytes): "
                "use a shorter --datadir"
            )
        return path

    def ensure_dirs(self) -> None:
        """Create Owncast's folder layout (idempotent)."""
        for path in (
            self.datadir,
            self.db_path.parent,
            self.backup_dir,
            self.log_dir,
            self.hls_dir,
            self.tmp_dir,
            self.emoji_dir,
            self.public_dir,
            self.run_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]
