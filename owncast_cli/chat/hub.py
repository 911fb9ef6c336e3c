"""Connected chat clients: one bounded queue and one writer per client, newline-batched frames.

The broadcast encodes an event once and offers the same string to every client's queue without
waiting; each client's writer sends everything queued at that moment as one text frame, events
separated by newlines (Owncast's writePump). A client whose queue is full has fallen too far behind:
it is disconnected rather than allowed to slow the others.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import trio

logger = logging.getLogger("owncast.chat")

#: Owncast's per-client send buffer (chatclient.go: make(chan []byte, 256)).
QUEUE_SIZE = 256


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

    def add(self, user_id: str, *, ip: str, user_agent: str, now: float) -> Client:
        send, receive = trio.open_memory_channel[str](self.queue_size)
        client = Client(next(self._ids), user_id, ip, user_agent, now, send, receive)
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
        """Queue one encoded event for every client; never waits."""
        for client in list(self.clients.values()):
            self.offer(client, text)

    def send_to_user(self, user_id: str, text: str) -> None:
        for client in self.user_clients(user_id):
            self.offer(client, text)

    def offer(self, client: Client, text: str) -> None:
        try:
            client.send_channel.send_nowait(text)
        except trio.WouldBlock:
            logger.info("chat client %d (user %s) is %d events behind: disconnecting it",
                        client.id, client.user_id, self.queue_size)
            client.kick("too slow")
        except (trio.ClosedResourceError, trio.BrokenResourceError):
            pass  # already leaving


async def write_frames(client: Client, send_frame: Callable[[str], Awaitable[None]]) -> None:
    """Send the client's queue: everything queued at once goes out as one newline-joined frame."""
    receive = client.receive_channel
    async for first in receive:
        batch = [first]
        while True:
            try:
                batch.append(receive.receive_nowait())
            except (trio.WouldBlock, trio.EndOfChannel):
                break
        await send_frame(batch[0] if len(batch) == 1 else "\n".join(batch))
