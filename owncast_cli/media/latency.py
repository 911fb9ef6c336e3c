"""Owncast's latency levels: how long each HLS segment is and how many a playlist lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class LatencyLevel:
    """One row of Owncast's latency table (``models/latencyLevels.go``)."""

    level: int
    seconds_per_segment: int
    segment_count: int

    @property
    def playlist_seconds(self) -> int:
        """How much media one variant playlist covers."""
        return self.seconds_per_segment * self.segment_count


LATENCY_LEVELS: Final[tuple[LatencyLevel, ...]] = (
    LatencyLevel(0, 1, 25),
    LatencyLevel(1, 2, 15),
    LatencyLevel(2, 3, 10),
    LatencyLevel(3, 4, 8),
    LatencyLevel(4, 5, 5),
)
DEFAULT_LATENCY_LEVEL: Final = 2
MIN_LATENCY_LEVEL: Final = 0
MAX_LATENCY_LEVEL: Final = len(LATENCY_LEVELS) - 1


def latency_level(value: int) -> LatencyLevel:
    """Return the latency table row for ``value``.

    Args:
        value: the configured level; out-of-range values are clamped to 0..4, as Owncast's
            ``GetLatencyLevel`` does, so a stale config never stops a stream.

    Returns:
        The matching :class:`LatencyLevel`.
    """
    return LATENCY_LEVELS[min(max(value, MIN_LATENCY_LEVEL), MAX_LATENCY_LEVEL)]
