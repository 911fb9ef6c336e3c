"""The chat daemon's state and behaviour: users, sessions, moderation, announcements, history.

Everything that touches a socket is in app.py; everything that decides is in the pure modules
(rules, events, sanitize, names, ratelimit). This class joins them: it keeps the connected clients
(hub.py), an in-memory cache of users by access token, the live config, and publishes every chat
event on the bus (persisting messages in the same transaction, off the broadcast path).
"""

from __future__ import annotations

import logging
import random
import resource
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import (
    ChatAction,
    ChatColorChange,
    ChatMessage,
    ChatNameChange,
    ChatSendRequested,
    ChatSystem,
    ChatUserDisabled,
    ChatUserEnabled,
    ChatUserJoined,
    ChatUserParted,
    ChatUserUpdated,
    ChatVisibilityUpdate,
    ConfigChanged,
    StreamStarted,
    StreamStopped,
)
from owncast_cli.bus.eventtype import BusEvent
from owncast_cli.chat import store
from owncast_cli.chat.events import (
    ChatMessageSent,
    ChatProtocolError,
    ChatUser,
    ColorChangeRequested,
    EventType,
    NameChangeRequested,
    Payload,
    action_event,
    chat_event,
    connected_user_info_event,
    encode_event,
    format_timestamp,
    name_change_event,
    new_event_id,
    parse_client_frame,
    system_event,
    user_disabled_event,
    user_joined_event,
    user_parted_event,
    user_payload,
    visibility_update_event,
)
from owncast_cli.chat.hub import Client, DirectSender, Hub, write_frames
from owncast_cli.chat.names import choose_registration_name, random_display_color, with_random_suffix
from owncast_cli.chat.ratelimit import FLOOD_MESSAGE, Decision, FloodControl
from owncast_cli.chat.rules import (
    TOO_LARGE_MESSAGE,
    ChatPolicy,
    ConnectRefusal,
    FrameSize,
    Rejection,
    StreamState,
    check_chat_message,
    check_color_change,
    check_connect,
    check_frame_size,
    check_sender,
    check_session,
    name_taken_rejection,
    prepare_name_change,
    user_removed_message,
)
from owncast_cli.chat.sanitize import markdown_escape, render_chat_message, render_trusted_markdown
from owncast_cli.emoji import SHIPPED_DIR, scan_emoji
from owncast_cli.proxies import client_address, parse_networks, peer_trusted

if TYPE_CHECKING:
    from owncast_cli.bus import Event
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.chat")

#: Owncast: USER_PARTED goes out this long after a user's last connection closed.
PART_DELAY_SECONDS = 10.0
#: Owncast closes a disabled user's clients this long after ERROR_USER_DISABLED.
DISABLE_CLOSE_SECONDS = 2.0
PRUNE_INTERVAL_SECONDS = 300.0
EMOJI_RESCAN_SECONDS = 30.0
#: Stream and title announcements older than this (a daemon catching up) are not shown.
STALE_ANNOUNCEMENT_SECONDS = 60.0
STREAM_STARTING = "Stay tuned, the stream is **starting**!"
STREAM_ENDING = "The stream is ending."
#: Websocket close codes: going away (shutdown), message too big, policy (slow or banned).
CLOSE_CODES = {"shutdown": 1001, "too large": 1009, "too slow": 1008, "disabled": 1008}
BUS_TYPES = (StreamStarted, StreamStopped, ConfigChanged, ChatSendRequested, ChatUserUpdated)
CHAT_CONFIG_KEYS = (
    "chat_disabled", "chat_join_messages_enabled", "chat_established_users_only_mode",
    "chat_spam_protection_enabled", "chat_slur_filter_enabled", "chat_require_authentication",
    "chat_offline_enabled", "chat_history_retention_hours", "chat_max_connections",
    "blocked_usernames", "suggested_usernames", "server_welcome_message", "server_name",
    "stream_title", "trusted_proxies",
)


class Socket(Protocol):
    """What a session needs of a websocket (quart's, serve's RawWebSocket, or a test double).

    ``receive`` returns None once the peer has closed (RawWebSocket); Quart's cancels the session
    instead. A socket that also has ``send_frame_nowait(frame: bytes) -> bool`` gets broadcast
    frames written directly (see hub.py).
    """

    async def receive(self) -> str | bytes | None: ...
    async def send(self, data: str) -> None: ...
    async def close(self, code: int, reason: str = "") -> None: ...


class NotFound(LookupError):
    """A moderation target that does not exist."""


class ChatService:
    """One per chat daemon."""

    def __init__(self, ctx: Context) -> None:
        self.ctx, self.db, self.bus = ctx, ctx.db, ctx.bus
        self.hub = Hub()
        self.users: dict[str, ChatUser] = {}
        self.tokens: dict[str, str] = {}
        self.config: dict[str, Any] = {}
        self.policy = ChatPolicy()
        self.stream = StreamState(online=False)
        self.banned: set[str] = set()
        self.emoji: dict[str, str] = {}
        self.rng = random.SystemRandom()
        self._present: set[str] = set()
        self._parting: dict[str, trio.CancelScope] = {}
        self._outbox_send, self._outbox_recv = trio.open_memory_channel[
            tuple[BusEvent, store.StoredMessage | None]](100_000)
        self._helpers: trio.Nursery | None = None
        # Recorded vs written events: moderation and history wait for pending writes first.
        self._queued = self._written = 0
        self._progress = trio.Event()
        self._networks: list[Any] = []

    # --- lifecycle --------------------------------------------------------------------------

    async def load(self) -> None:
        db, config = self.db, self.ctx.config

        def read() -> tuple[dict[str, Any], dict[str, Any], set[str]]:
            return ({k: config.get(k) for k in CHAT_CONFIG_KEYS}, state.stream(db), store.banned_ips(db))

        values, stream, self.banned = await db.run(read)
        self.config.update(values)
        self._apply_config()
        self.stream = StreamState(bool(stream["online"]), _parse_time(stream["lastDisconnectTime"]))
        self.emoji = await trio.to_thread.run_sync(scan_emoji, self.ctx.settings.emoji_dir, SHIPPED_DIR)

    def _apply_config(self) -> None:
        c = self.config
        self.policy = ChatPolicy(
            chat_disabled=bool(c["chat_disabled"]),
            established_users_only=bool(c["chat_established_users_only_mode"]),
            require_authentication=bool(c["chat_require_authentication"]),
            slur_filter_enabled=bool(c["chat_slur_filter_enabled"]),
            offline_chat_enabled=bool(c["chat_offline_enabled"]),
            forbidden_usernames=tuple(c["blocked_usernames"]),
        )
        self._networks = parse_networks(c.get("trusted_proxies") or [])

    @property
    def max_connections(self) -> int:
        configured = int(self.config.get("chat_max_connections") or 0)
        if configured:
            return configured
        # Owncast derives the limit from the open-file limit, keeping some for everything else.
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        return max(1, soft - 100) if soft != resource.RLIM_INFINITY else 1_000_000

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Background work until ``ctx.stopping``: bus reactions, pruning, the persister."""
        await self.load()
        async with trio.open_nursery() as outer:
            outer.start_soon(self._persist_loop)
            async with trio.open_nursery() as helpers:
                self._helpers = helpers
                await helpers.start(self._watch_bus)
                helpers.start_soon(self._prune_loop)
                helpers.start_soon(self._emoji_loop)
                task_status.started()
                await self.ctx.stopping.wait()
                await self.close_all()
                helpers.cancel_scope.cancel()
            self._outbox_send.close()  # the persister writes what is queued, then ends

    async def close_all(self) -> None:
        """Close every websocket with 1001 (going away) and wait briefly for them to leave."""
        for client in list(self.hub.clients.values()):
            client.kick("shutdown")
        with trio.move_on_after(1.0):
            while self.hub.clients:
                await trio.sleep(0.01)

    def client_address(self, peer: str, headers: dict[str, str]) -> str:
        return client_address(peer, headers, self._networks)[0]

    def peer_trusted(self, peer: str) -> bool:
        return peer_trusted(peer, self._networks)

    # --- users ------------------------------------------------------------------------------

    async def user_for_token(self, token: str) -> ChatUser | None:
        user_id = self.tokens.get(token)
        if user_id is not None and user_id in self.users:
            return self.users[user_id]
        user = await self.db.run(lambda: store.user_for_token(self.db, token))
        if user is not None:
            self.tokens[token] = user.id
            self.users[user.id] = user
        return user

    async def register(self, *, forwarded_user: str | None, requested: str | None) -> Payload:
        """``POST /api/chat/register``: a new anonymous user and its token."""
        name = choose_registration_name(
            forwarded_user=forwarded_user, requested=requested,
            suggested=list(self.config["suggested_usernames"]),
            forbidden=self.policy.forbidden_usernames, rng=self.rng)
        token, user_id, now = store.new_access_token(), new_event_id(), time.time()
        color = random_display_color(self.rng)

        def work() -> ChatUser:
            chosen = name
            while store.name_registered(self.db, chosen):
                chosen = with_random_suffix(name, self.rng)
            return store.create_user(self.db, user_id=user_id, name=chosen, color=color, token=token, now=now)

        user = await self.db.run_write(work)
        self.users[user.id], self.tokens[token] = user, user.id
        return {"id": user.id, "accessToken": token, "displayName": user.display_name}

    async def _refresh_user(self, user_id: str) -> ChatUser | None:
        user = await self.db.run(lambda: store.user_by_id(self.db, user_id))
        if user is None:
            self.users.pop(user_id, None)
            return None
        self.users[user_id] = user
        return user

    # --- sessions ---------------------------------------------------------------------------

    def connect_refusal(self, ip: str) -> ConnectRefusal | None:
        return check_connect(self.policy, ip_banned=ip in self.banned, client_count=len(self.hub),
                             max_clients=self.max_connections)

    async def session(self, ws: Socket, *, token: str | None, ip: str, user_agent: str) -> None:
        """One accepted websocket, from the checks after the upgrade until it closes."""
        user = await self.user_for_token(token) if token else None
        refusal = check_session(access_token=token, user=user)
        if refusal is not None or user is None:
            if refusal is not None and refusal.event is not None:
                await ws.send(encode_event(refusal.event))
            await ws.close(1008)
            return
        direct = ws if isinstance(ws, DirectSender) else None
        client = self.hub.add(user.id, ip=ip, user_agent=user_agent, now=time.time(), direct=direct)
        try:
            with client.scope:
                if direct is not None:
                    self._joined(client, user)
                    await self._read_frames(ws, client)
                else:
                    async with trio.open_nursery() as nursery:
                        nursery.start_soon(write_frames, client, ws.send)
                        self._joined(client, user)
                        await self._read_frames(ws, client)
                        nursery.cancel_scope.cancel()
        finally:
            if self.hub.remove(client):
                self._schedule_part(client.user_id)
        if client.close_reason is not None:
            with trio.move_on_after(1.0) as scope:
                scope.shield = True
                await ws.close(CLOSE_CODES.get(client.close_reason, 1000))

    def _joined(self, client: Client, user: ChatUser) -> None:
        self._send(client, connected_user_info_event(user, now=time.time()))
        open_now = self.stream.online or self.policy.offline_chat_enabled
        parting = self._parting.pop(user.id, None)
        if parting is not None:
            parting.cancel()  # a quick reconnect: no part, no second join
        elif user.id not in self._present:
            self._present.add(user.id)
            payload = user_joined_event(user, now=time.time())
            if self.config["chat_join_messages_enabled"] and open_now:
                self.hub.broadcast(encode_event(payload))
            self._record(ChatUserJoined, payload)
        welcome = str(self.config["server_welcome_message"] or "").strip()
        if welcome and open_now:
            body = render_trusted_markdown(welcome).strip()
            self._send(client, system_event(body, self.server_name, now=time.time()))

    def _schedule_part(self, user_id: str) -> None:
        if self._helpers is None or user_id not in self._present:
            return
        scope = trio.CancelScope()
        self._parting[user_id] = scope
        self._helpers.start_soon(self._part_later, user_id, scope)

    async def _part_later(self, user_id: str, scope: trio.CancelScope) -> None:
        with scope:
            await trio.sleep(PART_DELAY_SECONDS)
            if self._parting.get(user_id) is scope:
                del self._parting[user_id]
            self._present.discard(user_id)
            user = self.users.get(user_id) or await self._refresh_user(user_id)
            if user is None:
                return
            payload = user_parted_event(user, now=time.time())
            if self.config["chat_join_messages_enabled"]:
                self.hub.broadcast(encode_event(payload))
            self._record(ChatUserParted, payload)

    async def _read_frames(self, ws: Socket, client: Client) -> None:
        flood = FloodControl()
        while True:
            data = await ws.receive()
            if data is None:
                return  # the peer closed
            size = len(data.encode("utf-8", "surrogatepass")) if isinstance(data, str) else len(data)
            verdict = check_frame_size(size)
            if verdict is FrameSize.CLOSE:
                client.kick("too large")
                return
            if verdict is FrameSize.DROP:
                self._send_action(client, TOO_LARGE_MESSAGE)
                continue
            if self.config["chat_spam_protection_enabled"]:
                decision = flood.allow(trio.current_time())
                if decision is Decision.MUTE_STARTED:
                    self._send_action(client, FLOOD_MESSAGE)
                if decision is not Decision.ALLOW:
                    continue
            try:
                event = parse_client_frame(data)
            except ChatProtocolError as exc:
                logger.debug("chat client %d sent a bad frame: %s", client.id, exc)
                continue
            user = self.users.get(client.user_id) or await self._refresh_user(client.user_id)
            if user is None:
                client.kick("disabled")
                return
            rejection = check_sender(user, self.policy, now=time.time())
            if rejection is not None:
                self._reject(client, user, rejection)
            elif isinstance(event, ChatMessageSent):
                self._chat(client, user, event.body)
            elif isinstance(event, NameChangeRequested):
                await self._name_change(client, user, event.new_name)
            elif isinstance(event, ColorChangeRequested):
                await self._color_change(client, user, event.new_color)
            # Other types are ignored, as Owncast does.

    def _chat(self, client: Client, user: ChatUser, raw: str) -> None:
        now = time.time()
        rejection = check_chat_message(raw, self.policy, self.stream, now=now)
        if rejection is not None:
            self._reject(client, user, rejection)
            return
        body = render_chat_message(raw, self.emoji)
        if body is None:
            return  # nothing visible left
        client.message_count += 1
        self._broadcast_message(user, body, raw, now, client_id=client.id)

    def _broadcast_message(self, user: ChatUser, body: str, raw: str, now: float, *, client_id: int | None) -> None:
        payload = chat_event(user, body, now=now)
        self.hub.broadcast(encode_event(payload))
        data = {**payload, "rawBody": raw}
        if client_id is not None:
            data["clientId"] = client_id
        self._record(ChatMessage, data, store.StoredMessage(payload["id"], user.id, body, EventType.CHAT, now))

    async def _name_change(self, client: Client, user: ChatUser, proposed: str) -> None:
        change = prepare_name_change(proposed, current_name=user.display_name, policy=self.policy)
        if change.rejection is not None:
            self._reject(client, user, change.rejection)
            return
        if change.unchanged:
            self._send(client, connected_user_info_event(user, now=time.time()))
            return
        db, now = self.db, time.time()

        def work() -> ChatUser | None:
            if store.name_registered(db, change.name, exclude_id=user.id):
                return None
            return store.rename(db, user.id, change.name, now)

        renamed = await db.run_write(work)
        if renamed is None:
            self._reject(client, user, name_taken_rejection(change.name))
            return
        self.users[user.id] = renamed
        payload = name_change_event(renamed, user.display_name, now=now)
        self.hub.broadcast(encode_event(payload))
        self._record(ChatNameChange, {**payload, "newName": renamed.display_name})
        self._send_user_info(renamed)

    async def _color_change(self, client: Client, user: ChatUser, color: int) -> None:
        rejection = check_color_change(color)
        if rejection is not None:
            self._reject(client, user, rejection)
            return
        updated = await self.db.run_write(lambda: store.set_color(self.db, user.id, color))
        if updated is None:
            return
        self.users[user.id] = updated
        self._record(ChatColorChange, {"user": user_payload(updated), "newColor": color,
                                           "timestamp": format_timestamp(time.time())})
        self._send_user_info(updated)

    def _reject(self, client: Client, user: ChatUser, rejection: Rejection) -> None:
        if rejection.message is not None:
            self._send_action(client, rejection.message)
        if rejection.resend_user_info:
            self._send(client, connected_user_info_event(self.users.get(user.id, user), now=time.time()))

    # --- sending ----------------------------------------------------------------------------

    @property
    def server_name(self) -> str:
        return str(self.config.get("server_name") or "Owncast")

    def _send(self, client: Client, payload: Payload) -> None:
        self.hub.offer(client, encode_event(payload))

    def _send_action(self, client: Client, markdown: str) -> None:
        self._send(client, action_event(render_trusted_markdown(markdown).strip(), self.server_name, now=time.time()))

    def _send_user_info(self, user: ChatUser) -> None:
        for client in self.hub.user_clients(user.id):
            self._send(client, connected_user_info_event(user, now=time.time()))

    def announce(self, kind: EventType, markdown: str) -> Payload:
        """Broadcast (and store) a SYSTEM or CHAT_ACTION message written by the server."""
        now = time.time()
        body = render_trusted_markdown(markdown).strip()
        build = system_event if kind is EventType.SYSTEM else action_event
        payload = build(body, self.server_name, now=now)
        self.hub.broadcast(encode_event(payload))
        bus_type = ChatSystem if kind is EventType.SYSTEM else ChatAction
        self._record(bus_type, payload, store.StoredMessage(payload["id"], None, body, kind, now))
        return payload

    def _record(self, bus_type: type[BusEvent], payload: Payload, message: store.StoredMessage | None = None) -> None:
        try:
            self._outbox_send.send_nowait((bus_type.from_data(payload), message))
            self._queued += 1
        except trio.WouldBlock:
            logger.error("chat persistence is %d events behind: dropped %s", 100_000, bus_type.TYPE)
        except trio.ClosedResourceError:
            logger.warning("chat is stopping: %s not recorded", bus_type.TYPE)

    async def _persist_loop(self) -> None:
        """Publish chat events on the bus and store messages, in group-committed batches."""
        async for first in self._outbox_recv:
            batch = [first]
            while len(batch) < 1000:
                try:
                    batch.append(self._outbox_recv.receive_nowait())
                except (trio.WouldBlock, trio.EndOfChannel):
                    break
            messages = [m for _, m in batch if m is not None]

            def effect(messages: list[store.StoredMessage] = messages) -> None:
                store.save_messages(self.db, messages)

            try:
                await self.bus.publish_many([e for e, _ in batch], effect=effect)
            except Exception:
                logger.exception("could not record %d chat events", len(batch))
            self._written += len(batch)
            self._progress.set()
            self._progress = trio.Event()

    async def flush(self) -> None:
        """Wait until every event recorded so far is written (messages are stored off the
        broadcast path; moderation must see the message it hides)."""
        target = self._queued
        with trio.move_on_after(10):
            while self._written < target:
                await self._progress.wait()

    # --- moderation -------------------------------------------------------------------------

    async def set_visibility(self, ids: list[str], visible: bool) -> list[str]:
        await self.flush()
        now = time.time()
        found = await self.db.run_write(lambda: store.set_hidden(self.db, ids, None if visible else now))
        if found:
            payload = visibility_update_event(found, visible, now=now)
            self.hub.broadcast(encode_event(payload))
            self._record(ChatVisibilityUpdate, {**payload, "user": None})
        return found

    async def set_user_enabled(self, user_id: str, enabled: bool) -> ChatUser:
        await self.flush()
        now, db = time.time(), self.db
        # Owncast bans every address the user is connected from, except loopback.
        ips = sorted({c.ip for c in self.hub.user_clients(user_id) if not _is_loopback(c.ip)})

        def work() -> tuple[ChatUser | None, list[str]]:
            user = store.set_disabled(db, user_id, None if enabled else now)
            hidden = store.hide_user_messages(db, user_id, now) if user is not None and not enabled else []
            if user is not None and not enabled:
                for ip in ips:
                    store.ban_ip(db, ip, f"Banning of {user.display_name}", now)
            return user, hidden

        user, hidden = await db.run_write(work)
        if user is None:
            raise NotFound(user_id)
        self.users[user_id] = user
        self._record(ChatUserEnabled if enabled else ChatUserDisabled, {"user": user_payload(user)})
        if enabled:
            return user
        if hidden:
            payload = visibility_update_event(hidden, False, now=now)
            self.hub.broadcast(encode_event(payload))
            self._record(ChatVisibilityUpdate, {**payload, "user": None})
        self.banned.update(ips)
        for client in self.hub.user_clients(user_id):
            self._send(client, user_disabled_event(None, now=now))
            if self._helpers is not None:
                self._helpers.start_soon(self._kick_later, client)
        self.announce(EventType.CHAT_ACTION, user_removed_message(user.display_name))
        return user

    async def _kick_later(self, client: Client) -> None:
        await trio.sleep(DISABLE_CLOSE_SECONDS)
        client.kick("disabled")

    async def user_details(self, user_id: str) -> Payload:
        user = await self._refresh_user(user_id)
        if user is None:
            raise NotFound(user_id)
        messages = await self.db.run(lambda: store.user_messages(self.db, user_id))
        clients = [
            {"connectedAt": format_timestamp(c.connected_at), "userAgent": c.user_agent, "geo": "",
             "id": c.id, "messageCount": c.message_count}
            for c in sorted(self.hub.user_clients(user_id), key=lambda c: c.id)
        ]
        return {"user": user_payload(user), "connectedClients": clients,
                "messages": [self._stored_payload(m, user) for m in messages]}

    async def history(self) -> list[Payload]:
        await self.flush()
        rows = await self.db.run(lambda: store.history(self.db))
        return [self._stored_payload(message, user) for message, user in rows]

    def _stored_payload(self, message: store.StoredMessage, user: ChatUser | None) -> Payload:
        ident = lambda: message.id  # noqa: E731 - the stored id, not a new one
        if message.event_type == EventType.CHAT and user is not None:
            return chat_event(user, message.body, now=message.timestamp, new_id=ident,
                              visible=message.hidden_at is None)
        build = system_event if message.event_type == EventType.SYSTEM else action_event
        return build(message.body, self.server_name, now=message.timestamp, new_id=ident)

    # --- bus --------------------------------------------------------------------------------

    async def _watch_bus(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        handlers: dict[type[BusEvent], Callable[[Event, Any], Awaitable[None]]] = {
            StreamStarted: self._on_stream_started, StreamStopped: self._on_stream_stopped,
            ConfigChanged: self._on_config_changed, ChatSendRequested: self._on_send_requested,
            ChatUserUpdated: self._on_user_updated,
        }
        async with self.bus.subscribe("chat", types=BUS_TYPES) as sub:
            await sub.ack(sub.last_seen)  # on a first start, "now" becomes the durable cursor
            task_status.started()
            async for event, body in sub.decoded():
                try:
                    await handlers[type(body)](event, body)
                except Exception:
                    logger.exception("chat could not handle %s event %d", event.type, event.id)
                await sub.ack(event.id)

    async def _on_stream_started(self, event: Event, body: StreamStarted) -> None:
        self.stream = StreamState(True, self.stream.last_disconnect_at)
        if time.time() - event.ts < STALE_ANNOUNCEMENT_SECONDS:
            self.announce(EventType.CHAT_ACTION, STREAM_STARTING)

    async def _on_stream_stopped(self, event: Event, body: StreamStopped) -> None:
        self.stream = StreamState(False, event.ts)
        if time.time() - event.ts < STALE_ANNOUNCEMENT_SECONDS:
            self.announce(EventType.CHAT_ACTION, STREAM_ENDING)

    async def _on_config_changed(self, event: Event, body: ConfigChanged) -> None:
        key, value = body.key, body.value
        if key not in CHAT_CONFIG_KEYS:
            return
        store = self.ctx.config
        self.config[key] = await self.db.run(lambda: store.get(key))  # the event masks secrets; read it
        self._apply_config()
        fresh = time.time() - event.ts < STALE_ANNOUNCEMENT_SECONDS
        if key == "stream_title" and value and fresh:
            self.announce(EventType.CHAT_ACTION, f"Stream title changed to **{markdown_escape(str(value))}**")

    async def _on_send_requested(self, event: Event, request: ChatSendRequested) -> None:
        body = request.body
        if request.system:
            self.announce(EventType.SYSTEM, body)
            return
        bot = await self._bot_user(request.name or self.server_name)
        rendered = render_chat_message(body, self.emoji)
        if rendered is not None:
            self._broadcast_message(bot, rendered, body, time.time(), client_id=None)

    async def _bot_user(self, name: str) -> ChatUser:
        """The bot identity `owncast chat send` speaks as (one per name, created on first use)."""
        db = self.db

        def work() -> ChatUser:
            for user in store.users_named(db, name):
                if user.is_bot:
                    return user
            return store.create_user(db, user_id=new_event_id(), name=name, color=0,
                                     token=store.new_access_token(), now=time.time(), bot=True)

        user = await db.run_write(work)
        self.users[user.id] = user
        return user

    async def _on_user_updated(self, event: Event, body: ChatUserUpdated) -> None:
        user = await self._refresh_user(body.user_id)
        if user is not None:
            self._send_user_info(user)

    # --- periodic ---------------------------------------------------------------------------

    async def _prune_loop(self) -> None:
        while True:
            hours = float(self.config["chat_history_retention_hours"])
            before = time.time() - hours * 3600
            removed = await self.db.run_write(lambda: store.prune(self.db, before))
            if removed:
                logger.info("pruned %d chat messages older than %g h", removed, hours)
            await trio.sleep(PRUNE_INTERVAL_SECONDS)

    async def _emoji_loop(self) -> None:
        while True:
            await trio.sleep(EMOJI_RESCAN_SECONDS)
            self.emoji = await trio.to_thread.run_sync(scan_emoji, self.ctx.settings.emoji_dir, SHIPPED_DIR)


def _is_loopback(ip: str) -> bool:
    return ip in ("127.0.0.1", "::1", "unix", "") or ip.startswith("127.")


def _parse_time(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
