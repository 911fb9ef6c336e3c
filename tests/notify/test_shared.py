"""The notify daemon's group commit: writes queued together commit together, one failure is its own."""

from __future__ import annotations

from pathlib import Path

import trio

from owncast_cli.db import Database
from owncast_cli.notify.shared import Shared
from owncast_cli.repos import notices
from tests.notify.conftest import running_notify


async def test_a_failing_write_fails_alone(notify_db: Database, datadir: Path) -> None:
    def boom() -> None:
        notices.queue(notify_db, "doomed", notices.REMINDER, "x", 1.0)
        raise ValueError("this write fails")

    outcomes: dict[str, object] = {}
    with trio.fail_after(10):
        async with running_notify(notify_db, datadir, start=False) as notify:
            shared = await Shared.load(notify.ctx)
            notify.nursery.start_soon(shared.run_writer)

            async def write(name: str, work: object) -> None:
                try:
                    await shared.write(work)  # type: ignore[arg-type]
                    outcomes[name] = "ok"
                except ValueError as exc:
                    outcomes[name] = str(exc)

            async with trio.open_nursery() as nursery:
                nursery.start_soon(write, "a", lambda: notices.queue(notify_db, "a", notices.REMINDER, "x", 1.0))
                nursery.start_soon(write, "boom", boom)
                nursery.start_soon(write, "b", lambda: notices.queue(notify_db, "b", notices.REMINDER, "x", 1.0))
    assert outcomes == {"a": "ok", "boom": "this write fails", "b": "ok"}
    assert sorted(row[0] for row in notify_db.execute("SELECT key FROM notify_notices")) == ["a", "b"]

