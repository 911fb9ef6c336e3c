"""The buffer budget: a running total, the newest connections chosen first, the live one never."""

from __future__ import annotations

from owncast_cli.ingest.budget import BufferBudget


def test_newest_connections_go_first_and_the_exempt_one_never() -> None:
    budget: BufferBudget[str] = BufferBudget(100, exempt=lambda conn: conn == "live")
    for conn in ("a", "live", "b", "c"):
        budget.add(conn)
    assert budget.update("a", 40) == [] and budget.update("b", 30) == []
    assert budget.update("live", 30) == [] and budget.total == 100
    # c is newest: its first bytes tip the total over, so c goes (it is no longer counted).
    assert budget.update("c", 1) == ["c"] and budget.total == 100 and len(budget) == 3
    assert budget.update("c", 50) == []  # a late report from a closed connection changes nothing
    # The live publisher grows: the newest others go, newest first, until the total fits.
    assert budget.update("live", 95) == ["b", "a"] and budget.total == 95
    budget.remove("live")
    assert budget.total == 0 and len(budget) == 0


def test_a_connection_shrinking_frees_room() -> None:
    budget: BufferBudget[int] = BufferBudget(10)
    budget.add(1)
    budget.add(2)
    assert budget.update(1, 10) == []
    assert budget.update(1, 0) == [] and budget.update(2, 10) == []
    assert budget.update(1, 1) == [2] and budget.total == 1
