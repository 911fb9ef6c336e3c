"""Test helper process: write config values and events in a tight loop, as a second writer."""

from __future__ import annotations

import sys
from pathlib import Path

from owncast_cli.bus import log
from owncast_cli.config import ConfigStore
from owncast_cli.db import open_database
from testevents import Write  # type: ignore[import-not-found]  (run as a script beside it)


def main(datadir: Path, tag: str, count: int) -> None:
    db = open_database(datadir / "owncast.db")
    store = ConfigStore(db)
    for i in range(count):
        def work(i: int = i) -> None:
            # read-then-write in one BEGIN IMMEDIATE transaction: the plan reads the current value
            changes = store.plan({"stream_title": f"{tag}-{i}"})
            log.append(db, [*store.apply(changes), Write(tag, i)], tag)

        db.write(work)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
