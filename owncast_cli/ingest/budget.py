"""One budget for the bytes every RTMP connection holds between reads (partial messages)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["BufferBudget"]

T = TypeVar("T")


class BufferBudget(Generic[T]):
    """Counts what each open connection holds; over the limit, the newest connections go.

    Each connection reports its holding after every read (``update``); the running total is kept
    so a report costs O(1) with thousands of connections open. Connections for which ``exempt``
    is true (the live publisher) are never chosen: a budget exhausted by newcomers must not end
    the stream viewers are watching.
    """

    def __init__(self, limit: int, exempt: Callable[[T], bool] = lambda conn: False) -> None:
        self.limit = limit
        self.total = 0
        self._exempt = exempt
        self._held: dict[T, int] = {}  # insertion order: oldest connection first

    def __len__(self) -> int:
        return len(self._held)

    def add(self, conn: T) -> None:
        self._held[conn] = 0

    def remove(self, conn: T) -> None:
        self.total -= self._held.pop(conn, 0)

    def update(self, conn: T, held: int) -> list[T]:
        """Record what ``conn`` holds now.

        Returns:
            The connections to close, newest first, until the total fits the limit again. They
            are no longer counted (their bytes are freed when they close).
        """
        if conn not in self._held:
            return []  # already chosen to close
        self.total += held - self._held[conn]
        self._held[conn] = held
        victims: list[T] = []
        if self.total <= self.limit:
            return victims
        for candidate in reversed(list(self._held)):
            if self.total <= self.limit:
                break
            if not self._exempt(candidate):
                victims.append(candidate)
                self.remove(candidate)
        return victims
