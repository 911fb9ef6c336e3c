"""Pending sign-in requests: expiring, capped, each taken at most once (sans-IO; time is passed in)."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class TooManyPending(Exception):
    """The store is full: Owncast's "Please try again later. Too many pending requests." """

    def __init__(self) -> None:
        super().__init__("Please try again later. Too many pending requests.")


class PendingStore(Generic[T]):
    """Requests by key (a state, a code, an access token), forgotten ``ttl`` seconds after they
    were added. Owncast keeps at most 1000 and forgets them after 10 minutes."""

    def __init__(self, *, ttl: float, capacity: int) -> None:
        self.ttl, self.capacity = ttl, capacity
        self._items: dict[str, tuple[float, T]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def prune(self, now: float) -> None:
        for key in [k for k, (added, _) in self._items.items() if now - added >= self.ttl]:
            del self._items[key]

    def add(self, key: str, item: T, now: float) -> None:
        """Keep ``item`` under ``key`` (replacing what it held).

        Raises:
            TooManyPending: ``capacity`` live requests are already held.
        """
        self.prune(now)
        if key not in self._items and len(self._items) >= self.capacity:
            raise TooManyPending
        self._items[key] = (now, item)

    def peek(self, key: str, now: float) -> T | None:
        """The live item under ``key``, left in place."""
        found = self._items.get(key)
        if found is None or now - found[0] >= self.ttl:
            return None
        return found[1]

    def take(self, key: str, now: float) -> T | None:
        """The live item under ``key``, removed: a request is completed at most once."""
        item = self.peek(key, now)
        self._items.pop(key, None)
        return item

    def discard(self, key: str) -> None:
        self._items.pop(key, None)
