"""The one-time token that proves a request through server_url reached this server.

The doctor stores a fresh random token (valid for a minute) in the shared database, then asks
``GET <server_url>/api/doctor/echo?token=...``. serve answers 200 only when the token matches the
stored one, with what it saw of the request (peer, ``X-Forwarded-For``, the client address it
derived); anything else gets 404, so the route tells nobody without the token anything.
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


def issue(db: Database) -> str:
    """Store a new token (replacing any other) and return it. Sync: a unit of work."""
    token = secrets.token_urlsafe(24)
    runtime.put(db, KEY, {"token": token, "expires": time.time() + VALID_SECONDS}, time.time())
    return token


def withdraw(db: Database) -> None:
    """Expire the stored token (the run is over)."""
    runtime.put(db, KEY, {"token": "", "expires": 0}, time.time())


def matches(stored: Any, token: str, now: float) -> bool:
    """Whether ``token`` is the stored, unexpired one (compared in constant time)."""
    if not isinstance(stored, dict) or not token or not stored.get("token"):
        return False
    return float(stored.get("expires") or 0) > now and hmac.compare_digest(str(stored["token"]), token)
