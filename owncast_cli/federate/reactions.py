"""Bus events in, posts out: the go-live post, the optional stream-ended post, profile updates,
direct messages (fediverse sign-in codes) and schedule reminders."""

from __future__ import annotations

import logging
from functools import partial
from typing import TYPE_CHECKING, Any, Final

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import (
    ConfigChanged,
    FediverseDirectMessageRequested,
    ScheduleReminder,
    StreamStarted,
    StreamStopped,
)
from owncast_cli.federate import content
from owncast_cli.federate.outbox import new_iri
from owncast_cli.federate.remote import RemoteError
from owncast_cli.federate.service import rfc3339
from owncast_cli.golive import GO_LIVE_DEDUP, GO_LIVE_DELAY
from owncast_cli.protocols.activitypub import activities
from owncast_cli.repos import ap_outbox

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.federate.daemon import Federate

logger = logging.getLogger("owncast.federate")

#: Config keys the actor document shows: a change sends an Update to followers.
PROFILE_KEYS: Final = frozenset({"server_name", "server_summary", "logo_uniqueness", "server_metadata_tags",
                                 "social_handles", "federation_private"})
#: Several keys saved at once (the admin's general page) make one Update.
PROFILE_SETTLE: Final = 2.0
BUS_TYPES: Final = (StreamStarted, StreamStopped, ConfigChanged, FediverseDirectMessageRequested, ScheduleReminder)


class Reactions:
    def __init__(self, fed: Federate) -> None:
        self.fed = fed
        self.live_stream: str | None = None
        self.posted_for: str | None = None
        self.profile_dirty = trio.Event()
        # Owncast's timings; tests shorten them.
        self.go_live_delay, self.go_live_dedup, self.profile_settle = GO_LIVE_DELAY, GO_LIVE_DEDUP, PROFILE_SETTLE

    async def run(self, nursery: trio.Nursery, *,
                  task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        self.nursery = nursery
        nursery.start_soon(self._profile_updates)
        async with self.fed.ctx.bus.subscribe("federate", types=BUS_TYPES) as sub:
            await sub.ack(sub.last_seen)  # on a first start, "now" becomes the durable cursor
            await self.resume()
            task_status.started()
            async for event, body in sub.decoded():
                try:
                    await self.handle(event, body)
                except Exception:
                    logger.exception("federate could not handle %s event %d", event.type, event.id)
                await sub.ack(event.id)

    async def _pending(self, value: dict[str, Any] | None) -> None:
        db = self.fed.service.db
        await db.run_write(partial(state.put, db, state.FEDERATE_GO_LIVE, value))

    async def resume(self) -> None:
        """After a restart: the go-live post of a stream that started just before is still due."""
        db = self.fed.service.db
        pending = await db.run(partial(state.get, db, state.FEDERATE_GO_LIVE))
        if pending:
            self.live_stream = pending["streamId"]
            delay = max(0.0, pending["due"] - self.fed.service.clock())
            self.nursery.start_soon(self.go_live_after, pending["streamId"], delay)

    async def handle(self, event: Event, body: Any) -> None:
        c = await self.fed.service.config()
        if isinstance(body, StreamStarted):
            self.live_stream = body.stream_id
            due = event.ts + self.go_live_delay
            await self._pending({"streamId": body.stream_id, "due": due})
            self.nursery.start_soon(self.go_live_after, body.stream_id, max(0.0, due - self.fed.service.clock()))
        elif isinstance(body, StreamStopped):
            self.live_stream = None
            await self._pending(None)
            if c.federation_enabled and c.federation_stream_ended_message and self.posted_for == body.stream_id:
                p = self.fed.service.profile(c)
                html, tags = content.manual(c.federation_stream_ended_message)
                await self.fed.outbox.post_note(p, html, tags=tags, sensitive=c.nsfw)
        elif isinstance(body, ConfigChanged):
            if body.key in PROFILE_KEYS and c.federation_enabled:
                self.profile_dirty.set()
        elif isinstance(body, FediverseDirectMessageRequested):
            if c.federation_enabled:
                await self.direct_message(body.account, body.text)
        elif isinstance(body, ScheduleReminder):
            if c.federation_enabled and body.message:
                html, tags = content.manual(body.message)
                await self.fed.outbox.post_note(self.fed.service.profile(c), html, tags=tags, sensitive=c.nsfw)

    async def go_live_after(self, stream_id: str, delay: float) -> None:
        await trio.sleep(delay)
        if self.live_stream != stream_id:
            return  # the stream ended before the post was due
        await self.go_live(stream_id)
        await self._pending(None)

    async def go_live(self, stream_id: str) -> bool:
        """Post the go-live note unless disabled, empty, or one went out in the last 10 minutes."""
        service = self.fed.service
        c = await service.config()
        if not c.federation_enabled or not c.federation_go_live_message.strip() or not c.server_url:
            return False
        db = service.db
        last = await db.run(partial(ap_outbox.last_live_notification, db))
        if last is not None and service.clock() - last < self.go_live_dedup:
            logger.info("no go-live post: one went out %.0f s ago", service.clock() - last)
            return False
        p = service.profile(c)
        html, tags = content.go_live(c.federation_go_live_message, c.stream_title, c.server_metadata_tags,
                                     p.server_url)
        preview = "preview.gif" if (self.fed.ctx.settings.tmp_dir / "preview.gif").exists() else "thumbnail.jpg"
        image = f"{p.server_url}/{preview}?us={int(service.clock())}"
        await self.fed.outbox.post_note(p, html, tags=tags, image=image, sensitive=c.nsfw, live=True)
        self.posted_for = stream_id
        logger.info("go-live post sent to followers")
        return True

    async def _profile_updates(self) -> None:
        while True:
            await self.profile_dirty.wait()
            await trio.sleep(self.profile_settle)
            self.profile_dirty = trio.Event()
            c = await self.fed.service.config()
            if c.federation_enabled and c.server_url:
                await self.fed.outbox.update_profile(self.fed.service.profile(c))

    async def direct_message(self, account: str, text: str) -> None:
        """Resolve ``user@host`` by webfinger and send ``text`` to that actor only (not stored)."""
        try:
            target = await self.fed.remote.actor(await self.fed.remote.webfinger(account))
        except RemoteError as exc:
            logger.warning("could not send a direct message to %s: %s", account, exc)
            return
        c = await self.fed.service.config()
        p = self.fed.service.profile(c)
        mention = {"type": "Mention", "href": target.id, "name": "@" + account.lstrip("@")}
        note = activities.note(p, new_iri(p), content.direct(text, target.url, account),
                               rfc3339(self.fed.service.clock()), to=[target.id], cc=[], mentions=[mention])
        await self.fed.outbox.send(activities.create(p, new_iri(p), note), inboxes=[target.inbox], store=False)
