"""The echo tokens: overlapping runs each keep theirs, a withdrawn or expired token no longer matches."""

from __future__ import annotations

import time
from pathlib import Path

from owncast_cli.db import open_database
from owncast_cli.doctor import echo
from owncast_cli.repos import runtime


def test_tokens_overlap_expire_and_are_withdrawn(prepared: Path) -> None:
    db = open_database(prepared / "owncast.db")
    first, second = echo.issue(db), echo.issue(db)
    now = time.time()
    stored = runtime.get(db, echo.KEY)
    assert echo.matches(stored, first, now) and echo.matches(stored, second, now)
    assert not echo.matches(stored, "", now) and not echo.matches(stored, first[:-1], now)
    assert not echo.matches(stored, first, now + echo.VALID_SECONDS + 1)
    echo.withdraw(db, first)
    stored = runtime.get(db, echo.KEY)
    assert not echo.matches(stored, first, now) and echo.matches(stored, second, now)
    assert not echo.matches({"token": second, "expires": now + 60}, second, now)  # not the stored shape
