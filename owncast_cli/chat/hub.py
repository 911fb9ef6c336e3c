"""Connected chat clients and the broadcast: one encoding per event, never waiting on a client.

Two kinds of connection, one rule (a client too far behind is disconnected rather than allowed to
slow the others):

- a direct connection (serve's front door in this process, owncast_cli/websocket.py) takes
  pre-encoded frames without waiting: the broadcast encodes the websocket frame once and writes the
  same bytes to every socket; the connection queues what a full socket does not take, up to its
  bound;
- any other websocket (Quart's, when chat runs apart behind serve's proxy) gets one bounded queue
  and one writer task.

Either way a client gets the same frames: each text given to :meth:`Hub.broadcast` or
:meth:`Hub.offer` is one websocket frame. Owncast's frame format is events separated by newlines;
the outbox broadcasts every event of one commit as one such frame (outbox.py).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import trio

from owncast_cli.websocket import encode_text_frame

logger = logging.getLogger("owncast.chat")

#: Owncast's per-client send buffer (chatclient.go: make(chan []byte, 256)).
QUEUE_SIZE = 256


@runtime_checkable
class DirectSender(Protocol):
    """A connection that takes encoded frames without waiting (see owncast_cli/websocket.py)."""

    def send_frame_nowait(self, frame: bytes) -> bool: ...


@dataclass(eq=False)
class Client:
    """One websocket connection of a chat user."""

    id: int
    user_id: str
    ip: str
    user_agent: str
    connected_at: float
    send_channel: trio.MemorySendChannel[str]
    receive_channel: trio.MemoryReceiveChannel[str]
    #: Cancelling it ends the connection (slow client, disabled user, shutdown).
    scope: trio.CancelScope = field(default_factory=trio.CancelScope)
    message_count: int = 0
    close_reason: str | None = None
    #: Set for a direct connection: frames go to it, not to the queue.
    direct: DirectSender | None = None

    def kick(self, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = reason
        self.scope.cancel()


class Hub:
    """The set of connected clients, indexed by client id and by user id."""

    def __init__(self, queue_size: int = QUEUE_SIZE) -> None:
        self.queue_size = queue_size
        self.clients: dict[int, Client] = {}
        self.by_user: dict[str, set[Client]] = {}
        self._ids = itertools.count(1)

    def __len__(self) -> int:
        return len(self.clients)

    def add(self, user_id: str, *, ip: str, user_agent: str, now: float,
            direct: DirectSender | None = None) -> Client:
        # A direct connection needs no queue: a zero-size channel costs next to nothing.
        send, receive = trio.open_memory_channel[str](0 if direct is not None else self.queue_size)
        client = Client(next(self._ids), user_id, ip, user_agent, now, send, receive, direct=direct)
        self.clients[client.id] = client
        self.by_user.setdefault(user_id, set()).add(client)
        return client

    def remove(self, client: Client) -> bool:
        """Forget a client; returns True when it was its user's last connection."""
        self.clients.pop(client.id, None)
        client.send_channel.close()
        others = self.by_user.get(client.user_id)
        if others is not None:
            others.discard(client)
            if not others:
                del self.by_user[client.user_id]
                return True
        return False

    def user_clients(self, user_id: str) -> list[Client]:
        return list(self.by_user.get(user_id, ()))

    def broadcast(self, text: str) -> None:
        """Send one encoded event to every client; never waits."""
        frame: bytes | None = None
        for client in list(self.clients.values()):
            direct = client.direct
            if direct is None:
                self.offer(client, text)
                continue
            if frame is None:
                frame = encode_text_frame(text)
            if not direct.send_frame_nowait(frame):
                self._too_slow(client)

    def send_to_user(self, user_id: str, text: str) -> None:
        for client in self.user_clients(user_id):
            self.offer(client, text)

    def offer(self, client: Client, text: str) -> None:
        """Send one encoded event to one client; never waits."""
        if client.direct is not None:
            if not client.direct.send_frame_nowait(encode_text_frame(text)):
                self._too_slow(client)
            return
        try:
            client.send_channel.send_nowait(text)
        except trio.WouldBlock:
            self._too_slow(client)
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            pass  # already leaving

    def _too_slow(self, client: Client) -> None:
        if client.close_reason is None and client.id in self.clients:
            logger.info("chat client %d (user %s) is %d events behind (or gone): disconnecting it",
                        client.id, client.user_id, self.queue_size)
        client.kick("too slow")


async def write_frames(client: Client, send_frame: Callable[[str], Awaitable[None]]) -> None:
    """Send the client's queue in order, one frame per queued text (as a direct connection would)."""
    async for frame in client.receive_channel:
        await send_frame(frame)
