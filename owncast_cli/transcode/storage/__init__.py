"""Where HLS goes once ffmpeg wrote it: one module per provider (``local``, ``s3``), one interface."""

from __future__ import annotations

from owncast_cli.transcode.storage.base import Storage, StorageError

__all__ = ["Storage", "StorageError"]
