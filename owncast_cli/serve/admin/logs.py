"""``/api/admin/logs`` and ``/logs/warnings``: recent log records, from memory and from the log file.

A ring-buffer handler on the root logger keeps this process's last :data:`KEEP` records (every
daemon of a ``run-all``). Older records, and those of daemons running as other processes, come
from the tail of ``logs/owncast.log``, which every daemon appends to.
"""

from __future__ import annotations

import collections
import logging
import re
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import trio
from quart import jsonify

from owncast_cli import state
from owncast_cli.serve.admin.common import no_store

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

KEEP: Final = 1000
#: How much of the end of the log file is read.
TAIL_BYTES: Final = 256 << 10
#: logsetup.PLAIN_FORMAT: "%(asctime)s %(levelname)s %(name)s: %(message)s".
_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ([A-Z]+) (\S+): (.*)$")
#: Owncast (logrus) level names.
_LEVELS: Final = {"DEBUG": "debug", "INFO": "info", "WARNING": "warning", "ERROR": "error", "CRITICAL": "fatal"}


class RingHandler(logging.Handler):
    """Keeps the last ``capacity`` records as (epoch, level name, logger name, message)."""

    def __init__(self, capacity: int = KEEP) -> None:
        super().__init__(logging.DEBUG)
        self.records: collections.deque[tuple[float, str, str, str]] = collections.deque(maxlen=capacity)
        self.guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not break logging
            message = str(record.msg)
        with self.guard:
            self.records.append((record.created, record.levelname, record.name, message))

    def snapshot(self) -> list[tuple[float, str, str, str]]:
        with self.guard:
            return list(self.records)


_handler: RingHandler | None = None


def install_handler() -> RingHandler:
    """Attach the ring buffer to the root logger once per process."""
    global _handler
    root = logging.getLogger()
    if _handler is None or _handler not in root.handlers:
        _handler = RingHandler()
        root.addHandler(_handler)
    return _handler


def parse_file_tail(path: Path, before: float | None) -> list[tuple[float, str, str, str]]:
    """Records from the end of a log file written in logsetup's plain format, older than ``before``."""
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - TAIL_BYTES))
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return []
    lines = data.splitlines()
    if size > TAIL_BYTES and lines:
        lines = lines[1:]  # the first line is cut
    out: list[tuple[float, str, str, str]] = []
    for line in lines:
        match = _LINE.match(line)
        if match is None:
            if out:  # a traceback or a multi-line message continues the previous record
                ts, level, name, message = out[-1]
                out[-1] = (ts, level, name, message + "\n" + line)
            continue
        stamp, level, name, message = match.groups()
        ts = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if before is None or ts < before:
            out.append((ts, level, name, message))
    return out


def collect(handler: RingHandler, log_file: Path, *, min_level: int = logging.DEBUG) -> list[dict[str, str]]:
    """Newest last, as Owncast's AdminLog ``{time, level, message}``."""
    memory = handler.snapshot()
    older = parse_file_tail(log_file, memory[0][0] if memory else None)
    records = (older + memory)[-KEEP:]
    out = []
    for ts, level, name, message in records:
        number = logging.getLevelName(level)
        if isinstance(number, int) and number < min_level:
            continue
        # logsResponse's field order (webserver/handlers/admin/logs.go).
        out.append({"time": state.rfc3339(ts), "message": f"{name}: {message}",
                    "level": _LEVELS.get(level, level.lower())})
    return out


def register(app: QuartTrio, svc: Services) -> None:
    log_file = svc.ctx.settings.log_dir / "owncast.log"

    async def answer(min_level: int) -> Any:
        handler = install_handler()
        body = await trio.to_thread.run_sync(lambda: collect(handler, log_file, min_level=min_level))
        return no_store(jsonify(body))

    @app.get("/api/admin/logs")
    async def admin_get_logs() -> Any:
        return await answer(logging.DEBUG)

    @app.get("/api/admin/logs/warnings")
    async def admin_get_warnings() -> Any:
        return await answer(logging.WARNING)
