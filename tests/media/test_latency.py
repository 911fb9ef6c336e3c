"""Owncast's latency table and its clamping."""

from __future__ import annotations

import pytest

from owncast_cli.media.latency import DEFAULT_LATENCY_LEVEL, LatencyLevel, latency_level


@pytest.mark.parametrize(("value", "expected"), [
    (0, LatencyLevel(0, 1, 25)),
    (1, LatencyLevel(1, 2, 15)),
    (2, LatencyLevel(2, 3, 10)),
    (3, LatencyLevel(3, 4, 8)),
    (4, LatencyLevel(4, 5, 5)),
    (5, LatencyLevel(4, 5, 5)),
    (99, LatencyLevel(4, 5, 5)),
    (-1, LatencyLevel(0, 1, 25)),
])
def test_latency_table(value: int, expected: LatencyLevel) -> None:
    assert latency_level(value) == expected


def test_default_and_playlist_seconds() -> None:
    assert DEFAULT_LATENCY_LEVEL == 2
    assert latency_level(2).playlist_seconds == 30
