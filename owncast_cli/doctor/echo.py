"""The one-time tokens that prove a request through server_url reached this server.

The doctor stores a fresh random token (valid for a minute) in the shared database, then asks
``GET <server_url>/api/doctor/echo?token=...``. serve answers 200 only when the token is one of the
stored ones, with the token and what it saw of the request (peer, ``X-Forwarded-For``, the client
address it derived); anything else gets 404, so the route tells nobody without a token anything.
Several runs may overlap (the CLI and the dashboard): each has its own token.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import TYPE_CHECKING, Any, Final

from owncast_cli.repos import runtime

if TYPE_CHECKING:
    from owncast_cli.db import Database

PATH: Final = "/api/doctor/echo"
KEY: Final = "doctor.echo"
VALID_SECONDS: Final = 60.0


def _live(stored: Any, now: float) -> dict[str, float]:
    """The stored ``{token: expiry}`` without the expired ones."""
    if not isinstance(stored, dict):
        return {}
    return {str(t): float(e) for t, e in stored.items() if isinstance(e, (int, float)) and e > now}


def issue(db: Database) -> str:
    """Store a new token beside the unexpired ones and return it (blocking: its own transaction)."""
    token = secrets.token_urlsafe(24)

    def store() -> None:
        now = time.time()
        runtime.put(db, KEY, {**_live(runtime.get(db, KEY), now), token: now + VALID_SECONDS}, now)

    db.write(store)
    return token


def withdraw(db: Database, token: str) -> None:
    """Forget ``token`` (its run is over); blocking."""
    def drop() -> None:
        now = time.time()
        live = _live(runtime.get(db, KEY), now)
        live.pop(token, None)
        runtime.put(db, KEY, live, now)

    db.write(drop)


def matches(stored: Any, token: str, now: float) -> bool:
    """Whether ``token`` is one of the stored, unexpired ones (compared in constant time)."""
    return bool(token) and any(hmac.compare_digest(known, token) for known in _live(stored, now))
