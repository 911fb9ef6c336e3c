"""The server connection's states and the one table of what each state accepts."""

from __future__ import annotations

from enum import Enum
from typing import Final

__all__ = ["MEDIA", "SILENT_COMMANDS", "State", "TRANSITIONS"]


class State(Enum):
    """Where a server connection is, from the first byte to the end."""

    AWAIT_C0C1 = "await C0+C1"  # RTMP spec 5.2.5: uninitialized
    AWAIT_C2 = "await C2"  # S0+S1+S2 queued ("ack sent")
    AWAIT_CONNECT = "await connect"  # handshake done
    CONNECTED = "connected"  # NetConnection up: releaseStream, createStream, publish...
    PUBLISH_PENDING = "publish pending"  # PublishRequested reported, the daemon decides
    PUBLISHING = "publishing"  # audio, video and data flow
    CLOSING = "closing"  # publish refused: nothing more is answered or reported
    CLOSED = "closed"  # the peer closed (receive_data(b""))
    ERROR = "error"  # a protocol error was raised; the connection is finished


# A trigger name for audio, video and data messages.
MEDIA: Final = "media"

# state -> {trigger: next state}. Triggers are command names, MEDIA, and the daemon's
# "accept_publish" / "reject_publish". A command missing from its state's row is answered
# with `_error` (when it has a transaction id) and reported as CommandIgnored; media
# missing from the row is dropped. The handshake states are driven by byte counts instead.
TRANSITIONS: Final[dict[State, dict[str, State]]] = {
    State.AWAIT_C0C1: {},
    State.AWAIT_C2: {},
    State.AWAIT_CONNECT: {
        "connect": State.CONNECTED,
    },
    State.CONNECTED: {
        "releaseStream": State.CONNECTED,
        "FCPublish": State.CONNECTED,
        "createStream": State.CONNECTED,
        "publish": State.PUBLISH_PENDING,
        "play": State.CONNECTED,
        "FCUnpublish": State.CONNECTED,
        "deleteStream": State.CONNECTED,
        "closeStream": State.CONNECTED,
    },
    State.PUBLISH_PENDING: {
        "accept_publish": State.PUBLISHING,
        "reject_publish": State.CLOSING,
        "FCUnpublish": State.PUBLISH_PENDING,
        "deleteStream": State.CONNECTED,
        "closeStream": State.CONNECTED,
    },
    State.PUBLISHING: {
        MEDIA: State.PUBLISHING,
        "releaseStream": State.PUBLISHING,
        "FCPublish": State.PUBLISHING,
        "createStream": State.PUBLISHING,
        "FCUnpublish": State.PUBLISHING,
        "deleteStream": State.CONNECTED,
        "closeStream": State.CONNECTED,
    },
    State.CLOSING: {},
    State.CLOSED: {},
    State.ERROR: {},
}

# Replies and notifications a client may send us: never answered, never reported (answering
# a `_result` with `_error` could make two peers ping-pong forever).
SILENT_COMMANDS: Final = frozenset({"_result", "_error", "onStatus", "onBWDone"})
