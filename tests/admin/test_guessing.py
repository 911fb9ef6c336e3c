"""Password guessing against the admin gate, on trio's MockClock: serial per address, bounded bcrypt."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import bcrypt
import pytest
import trio

from owncast_cli import adminauth
from owncast_cli.adminauth import AdminGate, Outcome
from owncast_cli.db import Database, open_database
from tests.conftest import owncast

GUESSER = "203.0.113.9"
#: Virtual seconds the storm lasts.
STORM = 60.0


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def db(migrated: Path) -> Iterator[Database]:
    # The admin password "abc123" hashed at bcrypt's lowest cost: a check takes ~1 ms instead of
    # ~0.2 s, so a minute of virtual guessing runs in a few real seconds. What is measured (how
    # many checks run, when answers come) does not depend on the cost.
    cheap = bcrypt.hashpw(b"abc123", bcrypt.gensalt(rounds=4)).decode()
    owncast("config", "set", "admin_password_key", cheap, datadir=migrated, check=True)
    database = open_database(migrated / "owncast.db")
    yield database
    database.close()


async def storm(gate: AdminGate, attackers: int, seconds: float) -> tuple[list[float], int]:
    """``attackers`` concurrent clients from one address, each guessing again as soon as it is
    answered (after 1 s when told 429). Returns when each wrong guess was answered, and the
    number of 429s."""
    denied: list[float] = []
    busy = 0
    start = trio.current_time()

    async def attacker(n: int) -> None:
        nonlocal busy
        guess = 0
        while trio.current_time() - start < seconds:
            guess += 1
            # Three distinct wrong passwords in turn: a repeated one costs no bcrypt.
            outcome = await gate.authenticate(basic("admin", f"guess-{n}-{guess % 3}"), GUESSER)
            if outcome is Outcome.DENIED:
                denied.append(trio.current_time() - start)
            else:
                assert outcome is Outcome.BUSY
                busy += 1
                await trio.sleep(1)

    async with trio.open_nursery() as nursery:
        for n in range(attackers):
            nursery.start_soon(attacker, n)
    return denied, busy


async def test_fifty_concurrent_guessers_from_one_address_are_serialised(db: Database, autojump_clock) -> None:
    gate = AdminGate(db)
    denied, busy = await storm(gate, 50, STORM)
    # Before: ~7 guesses/s from 50 connections (the delays ran in parallel). Now the checks run
    # one at a time, each wrong one holding the address's turn for its penalty.
    rate = len(denied) / STORM
    assert rate < 0.5, f"{len(denied)} guesses in {STORM:.0f} s"
    assert busy > 1000 // 2  # the other connections were told 429 at once, costing no bcrypt
    gaps = [b - a for a, b in zip(denied, denied[1:], strict=False)]
    # Past the free failures each answer comes at least its penalty after the one before:
    # 0.25 s, 0.5 s, 1 s ... then 5 s apart. Parallel delays would answer many at once. (How many
    # guesses fit in STORM varies: the mock clock jumps while bcrypt runs in its threads.)
    for index, gap in enumerate(gaps[adminauth.FREE_FAILURES:], start=adminauth.FREE_FAILURES + 1):
        penalty = min(adminauth.MAX_DELAY, 0.25 * 2 ** (index - adminauth.FREE_FAILURES))
        assert gap >= penalty - 1e-9, (index, gaps)
    # bcrypt ran once per distinct wrong password, never for a 429 or a repeated guess.
    assert gate.bcrypt_checks <= len(denied) and gate.bcrypt_checks <= 50 * 3


async def queue_full(gate: AdminGate, nursery: trio.Nursery) -> None:
    """Put GUESSER deep into its penalties, then one guess holding its turn (checked, serving
    its 5 s penalty) and MAX_WAITING more waiting behind it."""
    for n in range(adminauth.FREE_FAILURES + 6):
        assert await gate.authenticate(basic("admin", f"guess-{n}"), GUESSER) is Outcome.DENIED
    assert gate.delay_for(GUESSER) == adminauth.MAX_DELAY
    checks = gate.bcrypt_checks
    nursery.start_soon(gate.authenticate, basic("admin", "holder"), GUESSER)
    while gate.bcrypt_checks == checks:  # its check started; its penalty follows
        await trio.sleep(0)  # no deadline: the mock clock stays where it is
    for n in range(adminauth.MAX_WAITING):
        nursery.start_soon(gate.authenticate, basic("admin", f"queued-{n}"), GUESSER)
    while gate._turns[GUESSER].waiting < adminauth.MAX_WAITING:
        await trio.sleep(0)
    # Anyone else from GUESSER now gets 429 at once: the turn is held and the queue is full.
    assert await gate.authenticate(basic("admin", "one-more"), GUESSER) is Outcome.BUSY


async def test_the_right_password_skips_the_queue_and_the_penalty(db: Database, autojump_clock) -> None:
    """Asserted by what the gate does, not by virtual time: the mock clock jumps while bcrypt and
    the database run in worker threads. (tests/admin/test_auth.py times it on a real server.)"""
    gate = AdminGate(db)
    assert await gate.authenticate(basic("admin", "abc123"), GUESSER) is Outcome.OK  # logged in once
    async with trio.open_nursery() as nursery:
        await queue_full(gate, nursery)
        held_by = gate._turns[GUESSER]
        checks = gate.bcrypt_checks
        # The admin behind the same address: answered without the turn, the penalty or bcrypt.
        assert await gate.authenticate(basic("admin", "abc123"), GUESSER) is Outcome.OK
        assert gate.bcrypt_checks - checks <= 1  # at most the queued guess that went meanwhile
        assert gate._turns.get(GUESSER) is held_by
        # Its success did not wipe the guesser's record on the shared address.
        assert gate.delay_for(GUESSER) == adminauth.MAX_DELAY
        nursery.cancel_scope.cancel()


async def test_another_address_is_not_held_and_a_cancelled_wait_frees_its_place(
        db: Database, autojump_clock) -> None:
    gate = AdminGate(db)
    async with trio.open_nursery() as nursery:
        await queue_full(gate, nursery)
        # Another address is checked at once (DENIED, not queued or 429) and starts with no penalty.
        assert await gate.authenticate(basic("admin", "wrong"), "192.0.2.1") is Outcome.DENIED
        assert gate.delay_for("192.0.2.1") == 0 and "192.0.2.1" not in gate._turns
        nursery.cancel_scope.cancel()  # the queued clients go away while waiting
    assert gate._turns == {}  # ... and leave no trace
    assert await gate.authenticate(basic("admin", "abc123"), GUESSER) is Outcome.OK
