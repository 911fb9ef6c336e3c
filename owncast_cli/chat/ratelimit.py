"""Per-connection chat flood control: Owncast's token bucket followed by a 10 s mute."""

from __future__ import annotations

from enum import Enum
from typing import Final

# chatclient.go readPump: rate.NewLimiter(rate.Every(2*time.Second/3), 1), i.e. 1.5 tokens per
# second and a bucket of one. With a burst of one, two frames closer than 2/3 s trip it.
RATE_PER_SECOND: Final = 3 / 2
BURST: Final = 1
# startChatRejectionTimeout: a 10 s timer during which every frame is dropped.
MUTE_SECONDS: Final = 10.0
FLOOD_MESSAGE: Final = "You are temporarily blocked from sending chat messages due to perceived flooding."


class Decision(Enum):
    """What to do with one inbound frame."""

    ALLOW = "allow"
    MUTE_STARTED = "mute_started"  # drop it and send FLOOD_MESSAGE to this client as CHAT_ACTION
    MUTED = "muted"  # drop it silently: a mute is running


class FloodControl:
    """One client's limiter. Call :meth:`allow` for every frame that passed the size check
    (Owncast checks the size first, so oversized frames cost no tokens), unless the admin turned
    ``chat_spam_protection_enabled`` off."""

    __slots__ = ("_rate", "_burst", "_mute_seconds", "_tokens", "_last", "_muted_until")

    def __init__(
        self, *, rate: float = RATE_PER_SECOND, burst: int = BURST, mute_seconds: float = MUTE_SECONDS
    ) -> None:
        if rate <= 0 or burst < 1 or mute_seconds < 0:
            raise ValueError("rate must be positive, burst at least 1, mute_seconds not negative")
        self._rate = rate
        self._burst = burst
        self._mute_seconds = mute_seconds
        self._tokens = float(burst)
        self._last: float | None = None
        self._muted_until: float | None = None

    @property
    def muted_until(self) -> float | None:
        """When the running mute ends, or None."""
        return self._muted_until

    def allow(self, now: float) -> Decision:
        """Decide for a frame that arrived at ``now`` (seconds, any monotonic origin)."""
        if self._muted_until is not None:
            if now < self._muted_until:
                return Decision.MUTED
            self._muted_until = None
        tokens = self._tokens_at(now)
        if tokens >= 1:
            self._tokens = tokens - 1
            self._last = now
            return Decision.ALLOW
        # As x/time/rate: a refused frame leaves the bucket untouched, so it is full again by the
        # time the mute ends.
        self._muted_until = now + self._mute_seconds
        return Decision.MUTE_STARTED

    def _tokens_at(self, now: float) -> float:
        if self._last is None:
            return self._tokens
        elapsed = max(0.0, now - self._last)
        return min(float(self._burst), self._tokens + elapsed * self._rate)
