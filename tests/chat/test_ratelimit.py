"""Flood control: Owncast's 1.5/s bucket of one, then a 10 s mute."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.chat.ratelimit import FLOOD_MESSAGE, MUTE_SECONDS, Decision, FloodControl

A, M, D = Decision.ALLOW, Decision.MUTE_STARTED, Decision.MUTED


@pytest.mark.parametrize(
    ("times", "decisions"),
    [
        ([0.0], [A]),
        ([0.0, 0.7, 1.4, 2.1, 2.8], [A, A, A, A, A]),  # three every two seconds is fine
        ([0.0, 0.5], [A, M]),  # burst of one: the second frame within 2/3 s trips it
        ([0.0, 0.5, 1.0, 5.0, 10.49], [A, M, D, D, D]),  # dropped for 10 s after the trip
        ([0.0, 0.5, 10.5, 10.6], [A, M, A, M]),  # then the bucket is full again
        ([0.0, 0.5, 10.5, 11.2, 11.9], [A, M, A, A, A]),
        ([10.0, 9.0], [A, M]),  # a clock step backwards adds no tokens
    ],
)
def test_decisions(times: list[float], decisions: list[Decision]) -> None:
    limiter = FloodControl()
    assert [limiter.allow(now) for now in times] == decisions


def test_muted_until() -> None:
    limiter = FloodControl()
    assert limiter.allow(100.0) is A and limiter.muted_until is None
    assert limiter.allow(100.1) is M and limiter.muted_until == 100.1 + MUTE_SECONDS
    assert limiter.allow(110.2) is A and limiter.muted_until is None


def test_configurable_and_validated() -> None:
    limiter = FloodControl(rate=1.0, burst=3, mute_seconds=1.0)
    assert [limiter.allow(0.0) for _ in range(4)] == [A, A, A, M]
    with pytest.raises(ValueError):
        FloodControl(rate=0)
    with pytest.raises(ValueError):
        FloodControl(burst=0)


def test_owncast_wording() -> None:
    assert FLOOD_MESSAGE == "You are temporarily blocked from sending chat messages due to perceived flooding."


@given(st.lists(st.floats(min_value=0, max_value=0.9), max_size=60))
def test_never_two_allowed_frames_closer_than_two_thirds_of_a_second(gaps: list[float]) -> None:
    limiter, now, allowed = FloodControl(), 0.0, []
    for gap in gaps:
        now += gap
        decision = limiter.allow(now)
        if decision is A:
            allowed.append(now)
        if decision is M:
            assert limiter.muted_until == now + MUTE_SECONDS
    assert all(later - earlier >= 2 / 3 - 1e-9 for earlier, later in zip(allowed, allowed[1:], strict=False))
