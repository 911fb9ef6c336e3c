"""Active viewers: marked by playlist fetches and ``/api/ping``, expired after inactivity.

Counts (current, session peak, overall peak) live in the ``runtime`` table (``state.viewers``);
peaks are also persisted to the config keys Owncast uses; every change is published on the bus
as ``viewers.changed``. Marking a viewer is a dict update (the hot path of every playlist fetch);
a background task folds the changes into one write per second at most.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import StreamStarted, ViewersChanged
from owncast_cli.config.store import Change, ConfigStore

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.serve.viewers")

#: A viewer not seen for this long has left (the page pings every 5 s; players fetch the
#: playlist once per segment, at most 5 s apart at latency level 4).
EXPIRE_SECONDS: Final = 15.0
FLUSH_INTERVAL: Final = 1.0


def client_id(ip: str, user_agent: str) -> str:
    """Owncast's client id: a hash of the address and user agent (no cookie needed)."""
    return hashlib.sha256(f"{ip}\x00{user_agent}".encode()).hexdigest()[:32]


@dataclass
class Viewer:
    client_id: str
    ip: str
    user_agent: str
    first_seen: float
    last_seen: float


class Viewers:
    """The set of active viewers of this serve process, and its persisted counts."""

    def __init__(self, ctx: Context, *, expire: float = EXPIRE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ctx = ctx
        self.expire = expire
        self.clock = clock
        self.active: dict[str, Viewer] = {}
        self.counts = {"current": 0, "sessionPeak": 0, "overallPeak": 0}
        self._dirty = trio.Event()

    def seen(self, ip: str, user_agent: str) -> None:
        """Mark the viewer at ``ip`` with ``user_agent`` active now (sync, cheap)."""
        cid = client_id(ip, user_agent)
        now = self.clock()
        viewer = self.active.get(cid)
        if viewer is None:
            self.active[cid] = Viewer(cid, ip, user_agent, now, now)
            self._dirty.set()
        else:
            viewer.last_seen = now

    def expire_idle(self) -> bool:
        """Forget viewers idle longer than ``expire``; True if any left."""
        cutoff = self.clock() - self.expire
        gone = [cid for cid, v in self.active.items() if v.last_seen < cutoff]
        for cid in gone:
            del self.active[cid]
        return bool(gone)

    def _next_counts(self) -> dict[str, int]:
        current = len(self.active)
        return {
            "current": current,
            "sessionPeak": max(self.counts["sessionPeak"], current),
            "overallPeak": max(self.counts["overallPeak"], current),
        }

    async def load(self) -> None:
        """Start from the persisted peaks (the current count starts at zero: nobody is known)."""
        db = self.ctx.db

        def read() -> dict[str, int]:
            store = ConfigStore(db)
            values = store.values()
            return {"current": 0, "sessionPeak": values.peak_viewers_session,
                    "overallPeak": values.peak_viewers_overall}

        self.counts = await db.run(read)
        await self._publish(self.counts)

    async def _publish(self, counts: dict[str, int], also: Callable[[], None] | None = None) -> None:
        db = self.ctx.db
        before = dict(self.counts)

        def write() -> None:
            state.put(db, state.VIEWERS, counts)
            if also is not None:
                also()
            store = ConfigStore(db)
            peaks = []
            if counts["sessionPeak"] != before["sessionPeak"] or not store.is_set("peak_viewers_session"):
                peaks.append(Change("peak_viewers_session", before["sessionPeak"], counts["sessionPeak"]))
            if counts["overallPeak"] != before["overallPeak"] or not store.is_set("peak_viewers_overall"):
                peaks.append(Change("peak_viewers_overall", before["overallPeak"], counts["overallPeak"]))
            # Internal counters: the viewers.changed event carries them, not config.changed.
            store.apply(peaks)

        changed = ViewersChanged(counts["current"], counts["sessionPeak"], counts["overallPeak"])
        await self.ctx.bus.publish_many([changed], effect=write)
        self.counts = counts

    async def reset_session(self, stream_id: str | None) -> None:
        """Stream ``stream_id`` started: the session peak begins again from the viewers present now."""
        current = len(self.active)
        db = self.ctx.db
        await self._publish({"current": current, "sessionPeak": current,
                             "overallPeak": max(self.counts["overallPeak"], current)},
                            also=lambda: state.put(db, state.VIEWERS_SESSION, stream_id))

    async def flush(self) -> None:
        """Expire idle viewers and publish the counts if they changed."""
        self.expire_idle()
        counts = self._next_counts()
        if counts != self.counts:
            await self._publish(counts)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Load, then flush changes at most once a second; reset the session peak on stream start."""
        await self.load()
        async with trio.open_nursery() as nursery:
            await nursery.start(self._watch_stream)
            task_status.started()
            while True:
                with trio.move_on_after(FLUSH_INTERVAL):
                    await self._dirty.wait()
                    await trio.sleep(0.05)  # let a burst of new viewers fold into one write
                self._dirty = trio.Event()
                await self.flush()

    async def _watch_stream(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        db = self.ctx.db
        async with self.ctx.bus.subscribe(types=[StreamStarted]) as sub:
            # A stream that started while serve was down (killed, restarting) begins a session
            # too. Read after subscribing: a start committed since then is delivered below.
            stream, counted = await db.run(lambda: (state.stream(db), state.get(db, state.VIEWERS_SESSION)))
            if stream["online"] and stream.get("streamId") != counted:
                await self.reset_session(stream.get("streamId"))
            task_status.started()
            async for _event, started in sub.decoded():
                assert isinstance(started, StreamStarted)
                await self.reset_session(started.stream_id)

    def snapshot(self) -> list[dict[str, Any]]:
        """The active viewers, for admin views and tests."""
        return [
            {"clientID": v.client_id, "ipAddress": v.ip, "userAgent": v.user_agent,
             "firstSeen": v.first_seen, "lastSeen": v.last_seen}
            for v in self.active.values()
        ]
