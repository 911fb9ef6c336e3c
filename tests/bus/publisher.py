"""Test helper process: publish COUNT ``test.tick`` events (optionally paced) through the bus."""

from __future__ import annotations

import sys
from pathlib import Path

import trio

from owncast_cli.bus import open_bus
from owncast_cli.db import open_database
from testevents import Tick  # type: ignore[import-not-found]  (run as a script beside it)


async def main(datadir: Path, count: int, rate: float) -> None:
    db = open_database(datadir / "owncast.db")
    async with open_bus(db, datadir / "run", "test-publisher") as bus:
        start = trio.current_time()
        for n in range(count):
            if rate:
                await trio.sleep_until(start + n / rate)
            await bus.publish(Tick(n))


if __name__ == "__main__":
    trio.run(main, Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
