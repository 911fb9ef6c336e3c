"""When a webhook delivery is retried, given up, or done (sans-IO: the clock and dice come in)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

#: The first retry waits about this long; each next one twice as long, up to MAX_DELAY.
BASE_DELAY: Final = 1.0
MAX_DELAY: Final = 3600.0


class Verdict(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"  # to the dead-letter list


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    #: When to try again (RETRY only), as a wall-clock time.
    next_at: float | None = None
    #: The delivery gave up after failing for the whole retry window: pause its webhook.
    pause: bool = False


def retryable(status: int | None) -> bool:
    """No answer (timeout, connection error), 5xx, 408 and 429 are worth trying again; other
    4xx answers are the receiver refusing this request, which it will do again."""
    return status is None or status >= 500 or status in (408, 429)


def decide(status: int | None, *, attempts: int, failing_since: float | None, now: float,
           window: float, dice: float, permanent: bool = False) -> Decision:
    """What to do after attempt number ``attempts`` (1-based) answered ``status`` (None: no answer).

    ``failing_since`` is when the row's current run of failures began (None if this is the
    first). ``dice`` is uniform in [0, 1): the jitter that keeps many rows failing together from
    retrying in lockstep. ``permanent`` marks an error that no retry can fix (a refused address).
    """
    if status is not None and 200 <= status < 300:
        return Decision(Verdict.DELIVERED)
    if permanent or not retryable(status):
        return Decision(Verdict.FAILED)
    began = now if failing_since is None else failing_since
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** (attempts - 1)) * (0.5 + dice / 2)
    if now + delay - began > window:
        return Decision(Verdict.FAILED, pause=True)
    return Decision(Verdict.RETRY, next_at=now + delay)
