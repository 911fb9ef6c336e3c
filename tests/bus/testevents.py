"""Event types only the bus tests publish (the helper processes import this by file name)."""

from __future__ import annotations

from dataclasses import dataclass

from owncast_cli.bus.eventtype import BusEvent, event_type


@event_type("test.tick", publishers=("test",))
@dataclass(frozen=True)
class Tick(BusEvent):
    n: int


@event_type("test.write", publishers=("test",))
@dataclass(frozen=True)
class Write(BusEvent):
    tag: str
    i: int
