"""Rate limits on the sign-in routes, per client address (sans-IO; time is passed in)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class KeyedLimiter:
    """A token bucket per key: ``burst`` requests at once, then one every ``per`` seconds.

    At most ``max_keys`` buckets are kept (the fullest are dropped first), so a flood of
    addresses cannot grow it without bound.
    """

    burst: int
    per: float
    max_keys: int = 10_000
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (float(self.burst), now))
        return min(float(self.burst), tokens + (now - at) / self.per)

    def allow(self, key: str, now: float) -> float:
        """0 when the request may go ahead (and is counted), else the seconds to wait."""
        tokens = self._level(key, now)
        if tokens < 1.0:
            return (1.0 - tokens) * self.per
        if key not in self._buckets and len(self._buckets) >= self.max_keys:
            self._drop_full(now)
        self._buckets[key] = (tokens - 1.0, now)
        return 0.0

    def _drop_full(self, now: float) -> None:
        full = [k for k in self._buckets if self._level(k, now) >= self.burst]
        for key in full or list(self._buckets)[: max(1, self.max_keys // 10)]:
            del self._buckets[key]


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
