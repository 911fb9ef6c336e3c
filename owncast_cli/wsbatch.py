"""Frames given to websockets during one scheduler pass go out in one write per connection."""

from __future__ import annotations

from typing import Protocol

import trio


class Flushable(Protocol):
    """A connection holding frames it writes out on :meth:`flush`."""

    def flush(self) -> None: ...


class WriteBatch:
    """Collects the connections given frames since the last flush; one task writes them out.

    The flush runs as soon as the scheduler gets to it, after the tasks that were ready with it
    (readers of messages that arrived together) have added their frames.
    """

    def __init__(self) -> None:
        self._dirty: list[Flushable] = []
        self._wake = trio.Event()

    def mark(self, conn: Flushable) -> None:
        if not self._dirty:
            self._wake.set()
        self._dirty.append(conn)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Flush marked connections until cancelled."""
        task_status.started()
        while True:
            await self._wake.wait()
            self._wake = trio.Event()
            dirty, self._dirty = self._dirty, []
            for conn in dirty:
                conn.flush()
