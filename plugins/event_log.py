"""Example plugin: append every bus event to ``<datadir>/logs/events.jsonl``, once per id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from owncast_cli.plugins import hookimpl

_last_written: dict[Path, int] = {}


def _last_id(path: Path) -> int:
    """The id on the file's last line, so a redelivered event is not written twice."""
    if path not in _last_written:
        last = 0
        if path.exists():
            with path.open("rb") as fh:
                for line in fh:
                    try:
                        last = int(json.loads(line)["id"])
                    except (ValueError, KeyError):
                        continue
        _last_written[path] = last
    return _last_written[path]


@hookimpl
def owncast_event(event: dict[str, Any], settings: Any) -> None:
    path = Path(settings.log_dir) / "events.jsonl"
    if event["id"] <= _last_id(path):
        return
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(event, separators=(",", ":")) + "\n")
    _last_written[path] = event["id"]
