"""Test helper process: a durable subscriber whose effect rows record each event it handled."""

from __future__ import annotations

import sys
from pathlib import Path

import trio

from owncast_cli.bus import open_bus
from owncast_cli.db import open_database
from testevents import Tick  # type: ignore[import-not-found]  (run as a script beside it)


async def main(datadir: Path, name: str) -> None:
    db = open_database(datadir / "owncast.db")
    db.write(lambda: db.execute("CREATE TABLE IF NOT EXISTS effects (event_id INTEGER, n INTEGER)"))
    async with open_bus(db, datadir / "run", name) as bus:
        async with bus.subscribe(name, since=None if _has_cursor(db, name) else 0,
                                 types=[Tick]) as sub:
            print("ready", flush=True)
            async for event in sub:
                def effect(event=event) -> None:
                    db.execute("INSERT INTO effects (event_id, n) VALUES (?, ?)", (event.id, event.data["n"]))

                # The effect and the acknowledgement commit together: exactly once.
                await sub.ack(event.id, effect)


def _has_cursor(db, name: str) -> bool:
    return bool(db.execute("SELECT 1 FROM bus_cursors WHERE name = ?", (name,)))


if __name__ == "__main__":
    trio.run(main, Path(sys.argv[1]), sys.argv[2])
