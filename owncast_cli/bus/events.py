"""The event record carried by the bus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """One published event. ``id`` is stable, unique and increasing (the log's row id)."""

    id: int
    type: str
    source: str
    ts: float
    data: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {"id": self.id, "type": self.type, "source": self.source, "ts": self.ts, "data": self.data},
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Event:
        obj = json.loads(text)
        return cls(int(obj["id"]), obj["type"], obj["source"], float(obj["ts"]), obj["data"])

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Event:
        id_, type_, source, ts, data = row
        return cls(int(id_), type_, source, float(ts), json.loads(data))
