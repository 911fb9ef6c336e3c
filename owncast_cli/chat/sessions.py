"""Chat connections: one session per websocket, joins and parts, and what a client's frames ask for.

The transport does not matter here: a session reads frames from any :class:`Socket` and sends
through the hub (hub.py), which gives a direct connection (serve's raw websocket) and a queued one
(Quart's, chat run apart) the same frames.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Final, Protocol, runtime_checkable

import trio

from owncast_cli.bus.catalog import ChatColorChange, ChatNameChange, ChatUserJoined, ChatUserParted
from owncast_cli.chat.events import (
    ChatMessageSent,
    ChatProtocolError,
    ColorChangeRequested,
    NameChangeRequested,
    connected_user_info_event,
    encode_event,
    format_timestamp,
    name_change_event,
    parse_client_frame,
    user_joined_event,
    user_parted_event,
    user_payload,
)
from owncast_cli.chat.hub import Client, DirectSender, write_frames
from owncast_cli.chat.ratelimit import FLOOD_MESSAGE, Decision, FloodControl
from owncast_cli.chat.rules import (
    TOO_LARGE_MESSAGE,
    FrameSize,
    Rejection,
    check_chat_message,
    check_color_change,
    check_frame_size,
    check_sender,
    check_session,
    name_taken_rejection,
    prepare_name_change,
)
from owncast_cli.chat.sanitize import render_chat_message

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore
    from owncast_cli.repos.users import ChatUser

logger = logging.getLogger("owncast.chat")

#: Owncast: USER_PARTED goes out this long after a user's last connection closed.
PART_DELAY_SECONDS: Final = 10.0
#: Owncast (services/chat/server.go): the welcome message comes this long after the connection,
#: "so people notice this message come in".
WELCOME_DELAY_SECONDS: Final = 7.0
#: Owncast (chatclient.go): a ping every 54 s; a peer not heard from for 60 s is dead and is closed.
PING_SECONDS: Final = 54.0
PONG_WAIT_SECONDS: Final = 60.0
#: Websocket close codes: going away (shutdown), message too big, policy (slow or banned).
CLOSE_CODES: Final = {"shutdown": 1001, "too large": 1009, "too slow": 1008, "disabled": 1008, "unresponsive": 1001}


class Socket(Protocol):
    """What a session needs of a websocket (quart's, serve's RawWebSocket, or a test double).

    ``receive`` returns None once the peer has closed (RawWebSocket); Quart's cancels the session
    instead. A socket that also has ``send_frame_nowait(frame: bytes) -> bool`` gets frames
    written directly (see hub.py).
    """

    async def receive(self) -> str | bytes | None: ...
    async def send(self, data: str) -> None: ...
    async def close(self, code: int, reason: str = "") -> None: ...


@runtime_checkable
class Pingable(Protocol):
    """A socket that pings its peer and knows when it last heard from it (serve's RawWebSocket).

    Chat running apart talks to serve's proxy, not to the viewer: there serve's hypercorn pings.
    """

    last_heard: float

    def ping_nowait(self) -> bool: ...


async def keep_alive(ws: Pingable, client: Client) -> None:
    """Ping every :data:`PING_SECONDS`; kick the client once nothing came for :data:`PONG_WAIT_SECONDS`
    (Owncast's read deadline, which each pong moves). Times are trio's: tests run it on MockClock."""
    next_ping = trio.current_time() + PING_SECONDS
    while True:
        deadline = ws.last_heard + PONG_WAIT_SECONDS
        await trio.sleep_until(min(next_ping, deadline))
        now = trio.current_time()
        if now >= ws.last_heard + PONG_WAIT_SECONDS:
            logger.info("chat client %d (user %s) answered no ping for %g s: closing it",
                        client.id, client.user_id, PONG_WAIT_SECONDS)
            client.kick("unresponsive")
            return
        if now >= next_ping:
            ws.ping_nowait()
            next_ping = now + PING_SECONDS


class Sessions:
    """Connected users: who is present, who is about to part, and each connection's read loop."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self._present: set[str] = set()
        self._parting: dict[str, trio.CancelScope] = {}
        self.nursery: trio.Nursery | None = None  # set while the daemon runs: delayed parts

    async def session(self, ws: Socket, *, token: str | None, ip: str, user_agent: str) -> None:
        """One accepted websocket, from the checks after the upgrade until it closes."""
        core = self.core
        user = await core.users.for_token(token) if token else None
        refusal = check_session(access_token=token, user=user)
        if refusal is not None or user is None:
            if refusal is not None and refusal.event is not None:
                await ws.send(encode_event(refusal.event))
            await ws.close(1008)
            return
        direct = ws if isinstance(ws, DirectSender) else None
        client = core.hub.add(user.id, ip=ip, user_agent=user_agent, now=core.clock.now(), direct=direct)
        try:
            with client.scope:
                async with trio.open_nursery() as nursery:
                    if direct is None:
                        nursery.start_soon(write_frames, client, ws.send)
                    if isinstance(ws, Pingable):
                        nursery.start_soon(keep_alive, ws, client)
                    if self._joined(client, user):
                        nursery.start_soon(self._welcome_later, client)
                    await self._read_frames(ws, client)
                    nursery.cancel_scope.cancel()
        finally:
            if core.hub.remove(client):
                self._schedule_part(client.user_id)
        if client.close_reason is not None:
            with trio.move_on_after(1.0) as scope:
                scope.shield = True
                await ws.close(CLOSE_CODES.get(client.close_reason, 1000))

    def _joined(self, client: Client, user: ChatUser) -> bool:
        """Greet a new connection; True when chat is open (the welcome message is due)."""
        core = self.core
        core.send(client, connected_user_info_event(user, now=core.clock.now()))
        open_now = core.stream.online or core.policy.offline_chat_enabled or core.event_chat_open()
        parting = self._parting.pop(user.id, None)
        if parting is not None:
            parting.cancel()  # a quick reconnect: no part, no second join
        elif user.id not in self._present:
            self._present.add(user.id)
            show = bool(core.config["chat_join_messages_enabled"]) and open_now
            core.publish(ChatUserJoined, user_joined_event(user, now=core.clock.now()), broadcast=show)
        return open_now

    async def _welcome_later(self, client: Client) -> None:
        await trio.sleep(WELCOME_DELAY_SECONDS)
        welcome = str(self.core.config["server_welcome_message"] or "").strip()  # as it is now
        if welcome:
            self.core.send_system(client, welcome)

    def _schedule_part(self, user_id: str) -> None:
        if self.nursery is None or user_id not in self._present:
            return
        scope = trio.CancelScope()
        self._parting[user_id] = scope
        self.nursery.start_soon(self._part_later, user_id, scope)

    async def _part_later(self, user_id: str, scope: trio.CancelScope) -> None:
        with scope:
            await trio.sleep(PART_DELAY_SECONDS)
            if self._parting.get(user_id) is scope:
                del self._parting[user_id]
            self._present.discard(user_id)
            user = await self.core.users.current(user_id)
            if user is None:
                return
            show = bool(self.core.config["chat_join_messages_enabled"])
            self.core.publish(ChatUserParted, user_parted_event(user, now=self.core.clock.now()), broadcast=show)

    async def _read_frames(self, ws: Socket, client: Client) -> None:
        core, flood = self.core, FloodControl()
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
                core.send_action(client, TOO_LARGE_MESSAGE)
                continue
            if core.config["chat_spam_protection_enabled"]:
                decision = flood.allow(trio.current_time())
                if decision is Decision.MUTE_STARTED:
                    core.send_action(client, FLOOD_MESSAGE)
                if decision is not Decision.ALLOW:
                    continue
            try:
                event = parse_client_frame(data)
            except ChatProtocolError as exc:
                logger.debug("chat client %d sent a bad frame: %s", client.id, exc)
                continue
            user = await core.users.current(client.user_id)
            if user is None:
                client.kick("disabled")
                return
            rejection = check_sender(user, core.policy, now=core.clock.now())
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
        core = self.core
        rejection = check_chat_message(raw, core.policy, core.stream, now=core.clock.now(),
                                       event_window_open=core.event_chat_open())
        if rejection is not None:
            self._reject(client, user, rejection)
            return
        body = render_chat_message(raw, core.emoji)
        if body is None:
            return  # nothing visible left
        client.message_count += 1
        core.post_message(user, body, raw, client_id=client.id)

    async def _name_change(self, client: Client, user: ChatUser, proposed: str) -> None:
        core = self.core
        change = prepare_name_change(proposed, current_name=user.display_name, policy=core.policy)
        if change.rejection is not None:
            self._reject(client, user, change.rejection)
            return
        if change.unchanged:
            core.send(client, connected_user_info_event(user, now=core.clock.now()))
            return
        now = core.clock.now()
        renamed = await core.users.rename(user, change.name, now=now)
        if renamed is None:
            self._reject(client, user, name_taken_rejection(change.name))
            return
        payload = name_change_event(renamed, user.display_name, now=now)
        core.publish(ChatNameChange, payload, broadcast=True, data={**payload, "newName": renamed.display_name})
        core.send_user_info(renamed)

    async def _color_change(self, client: Client, user: ChatUser, color: int) -> None:
        core = self.core
        rejection = check_color_change(color)
        if rejection is not None:
            self._reject(client, user, rejection)
            return
        updated = await core.users.set_color(user, color)
        if updated is None:
            return
        data = {"user": user_payload(updated), "newColor": color, "timestamp": format_timestamp(core.clock.now())}
        core.publish(ChatColorChange, data, broadcast=False)
        core.send_user_info(updated)

    def _reject(self, client: Client, user: ChatUser, rejection: Rejection) -> None:
        if rejection.message is not None:
            self.core.send_action(client, rejection.message)
        if rejection.resend_user_info:
            current = self.core.users.get(user.id) or user
            self.core.send(client, connected_user_info_event(current, now=self.core.clock.now()))
