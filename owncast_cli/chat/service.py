"""The chat daemon's public API: what its routes, its websocket and its process runner call.

The work is done by parts with one reason to change each: sessions.py (connections, joins, a
client's frames), hub.py (fan-out), outbox.py (group commit, then broadcast), moderation.py,
reactions.py (bus events), jobs.py (periodic), users.py (the user cache); core.py is the state
they share. Routes never reach past this class.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli import state
from owncast_cli.chat import jobs, schedule_window
from owncast_cli.chat.auth.signin import SignIn
from owncast_cli.chat.core import CHAT_CONFIG_KEYS, ChatCore, Clock
from owncast_cli.chat.events import EventType, Payload
from owncast_cli.chat.hub import Client
from owncast_cli.chat.moderation import Moderation, NotFound
from owncast_cli.chat.names import choose_registration_name, random_display_color
from owncast_cli.chat.reactions import BusReactions
from owncast_cli.chat.rules import ConnectRefusal, StreamState, check_connect
from owncast_cli.chat.sanitize import render_chat_message
from owncast_cli.chat.sessions import Sessions, Socket
from owncast_cli.proxies import client_address, peer_trusted, via_trusted_proxy
from owncast_cli.repos import chat_messages, identities, users
from owncast_cli.repos.chat_messages import IpBan
from owncast_cli.repos.users import AccessToken, ChatUser

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

__all__ = ["ChatService", "Clock", "NotFound", "Socket"]

logger = logging.getLogger("owncast.chat")


class ChatService:
    """One per chat daemon."""

    def __init__(self, ctx: Context, *, clock: Clock | None = None) -> None:
        self.core = core = ChatCore(ctx, clock=clock or Clock())
        self.db = ctx.db
        self.sessions = Sessions(core)
        self.moderation = Moderation(core)
        self.reactions = BusReactions(core)
        #: Sign-in (IndieAuth, fediverse codes, the IndieAuth provider): its routes use it directly.
        self.signin = SignIn(core)

    # --- lifecycle --------------------------------------------------------------------------

    async def load(self) -> None:
        core, db, config = self.core, self.db, self.core.ctx.config

        def read() -> tuple[dict[str, Any], dict[str, Any], set[str]]:
            bans = {ban.ip_address for ban in chat_messages.ip_bans(db)}
            return {k: config.get(k) for k in CHAT_CONFIG_KEYS}, state.stream(db), bans

        values, stream, core.banned = await db.run(read)
        core.apply_config(values)
        core.stream = StreamState(bool(stream["online"]), _parse_time(stream["lastDisconnectTime"]))
        await jobs.load_emoji(core)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Background work until ``ctx.stopping``: bus reactions, periodic jobs, the outbox."""
        core = self.core
        await self.load()
        async with trio.open_nursery() as outer:
            outer.start_soon(core.outbox.run)
            async with trio.open_nursery() as helpers:
                self.sessions.nursery = self.moderation.nursery = helpers
                await helpers.start(self.reactions.run)
                helpers.start_soon(jobs.prune_forever, core)
                helpers.start_soon(jobs.rescan_emoji_forever, core)
                helpers.start_soon(schedule_window.refresh_forever, core)
                task_status.started()
                await core.ctx.stopping.wait()
                await self.close_all()
                helpers.cancel_scope.cancel()
            core.outbox.close()  # the outbox commits (and broadcasts) what is queued, then ends

    async def close_all(self) -> None:
        """Close every websocket with 1001 (going away) and wait briefly for them to leave."""
        hub = self.core.hub
        for client in list(hub.clients.values()):
            client.kick("shutdown")
        with trio.move_on_after(1.0):
            while hub.clients:
                await trio.sleep(0.01)

    # --- connections ------------------------------------------------------------------------

    @property
    def client_count(self) -> int:
        return len(self.core.hub)

    def client_address(self, peer: str, headers: dict[str, str]) -> str:
        return client_address(peer, headers, self.core.networks)[0]

    def peer_trusted(self, peer: str) -> bool:
        return peer_trusted(peer, self.core.networks)

    def proxy_signs_in(self, peer: str, headers: dict[str, str]) -> bool:
        """Whether this request's X-Forwarded-User signs its user in: the admin turned
        ``chat_proxy_user_auth`` on and the request came through a trusted proxy. Off by default:
        loopback is a trusted proxy by default, and a proxy that passes a client's own
        X-Forwarded-User through would let anyone sign in as anyone."""
        return bool(self.core.config.get("chat_proxy_user_auth")) and via_trusted_proxy(
            peer, headers, self.core.networks)

    def is_banned(self, ip: str) -> bool:
        return ip in self.core.banned

    def connect_refusal(self, ip: str) -> ConnectRefusal | None:
        core = self.core
        return check_connect(core.policy, ip_banned=ip in core.banned, client_count=len(core.hub),
                             max_clients=core.max_connections)

    async def session(self, ws: Socket, *, token: str | None, ip: str, user_agent: str) -> None:
        await self.sessions.session(ws, token=token, ip=ip, user_agent=user_agent)

    def clients(self) -> list[tuple[Client, ChatUser]]:
        """Connected clients with their (cached) users, by client id."""
        core = self.core
        found = ((c, core.users.get(c.user_id)) for c in sorted(core.hub.clients.values(), key=lambda c: c.id))
        return [(c, u) for c, u in found if u is not None]

    # --- users ------------------------------------------------------------------------------

    async def user_for_token(self, token: str) -> ChatUser | None:
        return await self.core.users.for_token(token)

    async def reread_user(self, user_id: str) -> ChatUser | None:
        """The user as stored now (the admin may have changed it from another process)."""
        return await self.core.users.refresh(user_id)

    async def register(self, *, forwarded_user: str | None, requested: str | None,
                       proxy_authenticated: bool = False) -> Payload:
        """``POST /api/chat/register``: a new user and its token.

        With ``proxy_authenticated`` (X-Forwarded-User from a trusted proxy) the header names an
        identity: the user holding it gets the token, or the new user is created holding it.
        """
        core = self.core
        name = choose_registration_name(
            forwarded_user=forwarded_user, requested=requested,
            suggested=list(core.config["suggested_usernames"]),
            forbidden=core.policy.forbidden_usernames, rng=core.rng)
        identity = (identities.PROXY, forwarded_user) if proxy_authenticated and forwarded_user else None
        user, token = await core.users.create(name, color=random_display_color(core.rng),
                                              now=core.clock.now(), rng=core.rng, identity=identity)
        return {"id": user.id, "accessToken": token, "displayName": user.display_name}

    async def users_page(self, **query: Any) -> tuple[int, list[ChatUser]]:
        """Users for the admin lists (see :func:`owncast_cli.repos.users.users_matching`)."""
        return await self.db.run(lambda: users.users_matching(self.db, **query))

    async def access_tokens(self) -> list[AccessToken]:
        return await self.db.run(lambda: users.access_tokens(self.db))

    async def create_token(self, name: str, scopes: list[str]) -> AccessToken:
        return await self.moderation.create_token(name, scopes)

    async def revoke_token(self, token: str) -> bool:
        return await self.moderation.revoke_token(token)

    # --- messages ---------------------------------------------------------------------------

    async def history(self) -> list[Payload]:
        """Owncast's ``GET /api/chat``: recent visible messages, oldest first."""
        await self.core.outbox.flush()
        rows = await self.db.run(lambda: chat_messages.history(self.db))
        return [self.core.stored_payload(message, user) for message, user in rows]

    async def admin_messages(self) -> list[Payload]:
        """Every recent message, hidden ones and those of disabled users included, newest first."""
        db = self.db

        def read() -> tuple[list[chat_messages.StoredMessage], dict[str, ChatUser]]:
            messages = chat_messages.recent(db)
            return messages, users.users_by_ids(db, [m.user_id for m in messages if m.user_id])

        messages, authors = await db.run(read)
        return [self.core.stored_payload(message, authors.get(message.user_id or "")) for message in messages]

    async def send_as(self, user_id: str, text: str) -> Payload | None:
        """A CHAT message from an integration's user; None if it renders to nothing.

        Raises:
            NotFound: the user is gone.
        """
        core = self.core
        user = await core.users.refresh(user_id)
        if user is None:
            raise NotFound(user_id)
        rendered = render_chat_message(text, core.emoji)
        if rendered is None:
            return None
        return core.post_message(user, rendered, text, client_id=None)

    def announce(self, kind: EventType, markdown: str) -> Payload:
        return self.core.announce(kind, markdown)

    def send_system_to_client(self, client_id: int, markdown: str) -> bool:
        """A SYSTEM message to one connection only (not stored); False if it is not connected."""
        client = self.core.hub.clients.get(client_id)
        if client is None:
            return False
        self.core.send_system(client, markdown)
        return True

    # --- moderation -------------------------------------------------------------------------

    async def set_visibility(self, ids: list[str], visible: bool) -> list[str]:
        return await self.moderation.set_visibility(ids, visible)

    async def set_user_enabled(self, user_id: str, enabled: bool) -> ChatUser:
        return await self.moderation.set_user_enabled(user_id, enabled)

    async def set_moderator(self, user_id: str, moderator: bool) -> None:
        await self.moderation.set_moderator(user_id, moderator)

    async def delete_user(self, user_id: str) -> None:
        await self.moderation.delete_user(user_id)

    async def user_details(self, user_id: str) -> Payload:
        return await self.moderation.user_details(user_id)

    async def ip_bans(self) -> list[IpBan]:
        return await self.db.run(lambda: chat_messages.ip_bans(self.db))

    async def ban_ip(self, ip: str) -> None:
        await self.moderation.ban_ip(ip)

    async def unban_ip(self, ip: str) -> bool:
        return await self.moderation.unban_ip(ip)


def _parse_time(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
