"""Go-live and reminder notices: sent through every channel when due, each channel once.

A go-live notice is due 2 min after the stream started (Owncast's delay), is cancelled if the
stream stops first, and is skipped when one went out less than 10 min before (Owncast's
de-duplication, so a flapping encoder does not spam followers). Each channel's answer is recorded
as it comes: a notice interrupted by a crash resumes with the channels not yet done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import httpx
import trio

from owncast_cli.golive import GO_LIVE_DEDUP
from owncast_cli.notify.channels import Occasion, configured
from owncast_cli.outbound.guard import OutboundRefused
from owncast_cli.repos import notices

if TYPE_CHECKING:
    from owncast_cli.notify.channels import Channel
    from owncast_cli.notify.shared import Shared
    from owncast_cli.repos.notices import Notice

logger = logging.getLogger("owncast.notify")

POLL_SECONDS: Final = 60.0


async def send_all(channels: list[Channel], client: httpx.AsyncClient, occasion: Occasion,
                   done: dict[str, Any] | None = None,
                   record: Callable[[str, Any], Any] | None = None) -> dict[str, Any]:
    """Send through every channel not in ``done``; each answer (or error) by channel name."""
    answers: dict[str, Any] = {}
    for channel in channels:
        if done and channel.name in done:
            continue
        try:
            answer = await channel.send(client, occasion)
        except (httpx.HTTPError, OutboundRefused, OSError, ValueError) as exc:
            answer = f"{type(exc).__name__}: {exc}"
        answers[channel.name] = answer
        if record is not None:
            await record(channel.name, answer)
    return answers


class Notices:
    def __init__(self, shared: Shared, client: httpx.AsyncClient, *, clock: Callable[[], float] = time.time) -> None:
        self.shared = shared
        self.db = shared.ctx.db
        self.client = client
        self.clock = clock

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        db = self.db
        task_status.started()
        while True:
            noticed = self.shared.noticed  # taken before reading, so no wake-up falls between
            waiting = await db.run(lambda: notices.pending(db))
            now = self.clock()
            for notice in waiting:
                if notice.due_at <= now:
                    await self._send(notice)
            later = [n.due_at - now for n in waiting if n.due_at > now]
            with trio.move_on_after(min([POLL_SECONDS, *later])):
                await noticed.wait()

    async def _send(self, notice: Notice) -> None:
        db, config, now = self.db, self.shared.config, self.clock()
        if notice.kind == notices.GO_LIVE and not notice.outcomes:
            last = await db.run(lambda: notices.last_sent(db, notices.GO_LIVE))
            if last is not None and now - last < GO_LIVE_DEDUP:
                logger.info("go-live notifications skipped: the last went out %.0f s ago", now - last)
                await self.shared.write(partial(notices.finish, db, notice.key, notices.SKIPPED, now))
                return
        occasion = Occasion(notice.kind, config.server_name, config.server_url,
                            config.stream_title if notice.kind == notices.GO_LIVE else "", notice.title)
        channels = await db.run(lambda: configured(config, db))

        async def record(channel: str, answer: Any) -> None:
            await self.shared.write(partial(notices.record_outcome, db, notice.key, channel, answer))

        answers = await send_all(channels, self.client, occasion, notice.outcomes, record)
        logger.info("%s notice %s sent: %s", notice.kind, notice.key, answers or "no channel is configured")
        await self.shared.write(partial(notices.finish, db, notice.key, notices.SENT, self.clock()))
