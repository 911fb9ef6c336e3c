"""Logging: rich on a terminal, plain lines for systemd and CI, and a file in the log directory."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup(log_dir: Path | None, *, verbose: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    root = logging.getLogger()
    root.handlers.clear()
    root.setLevel(level)
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        console: logging.Handler = RichHandler(show_path=False, rich_tracebacks=True)
        console.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter(PLAIN_FORMAT))
    root.addHandler(console)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "owncast.log", maxBytes=10 << 20, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
        root.addHandler(file_handler)
    # httpx and httpcore log every request at INFO: a line per webhook delivery.
    for noisy in ("hypercorn.error", "botocore", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
