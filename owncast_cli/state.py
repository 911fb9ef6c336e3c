"""Runtime state shared between daemons: the keys and shapes kept in the ``runtime`` table."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from owncast_cli.repos import runtime

if TYPE_CHECKING:
    from owncast_cli.db import Database

STREAM = "stream"
VIEWERS = "viewers"
#: The ``streamId`` whose session the viewers' session peak counts (serve writes it with the peak).
VIEWERS_SESSION = "viewers_session"
#: ``{"clients": n}``: connected chat websockets, written by chat for the admin API and metrics.
CHAT = "chat"
#: ``{"streamId", "due"}``: federate's go-live post not yet sent, so a restart still sends it.
FEDERATE_GO_LIVE = "federate_go_live"


def get(db: Database, key: str, default: Any = None) -> Any:
    return runtime.get(db, key, default)


def put(db: Database, key: str, value: Any) -> None:
    runtime.put(db, key, value, time.time())


def stream(db: Database) -> dict[str, Any]:
    """``{"online", "lastConnectTime", "lastDisconnectTime", ...}`` as ingest last wrote it, but
    offline while no ingest process is alive: a SIGKILLed ingest cannot say the stream stopped
    (it says so when it starts again)."""
    value = {"online": False, "lastConnectTime": None, "lastDisconnectTime": None, **(get(db, STREAM) or {})}
    if value["online"] and not _ingest_alive(db):
        value.update(online=False, broadcaster=None)
    return value


def _ingest_alive(db: Database) -> bool:
    from owncast_cli.daemons.records import find

    # The pid check works on this host only, like every daemon today (see README, run-all --without).
    ingest = find(db, "ingest")
    return ingest is None or ingest.alive


def viewers(db: Database) -> dict[str, int]:
    value = get(db, VIEWERS) or {}
    return {"current": 0, "sessionPeak": 0, "overallPeak": 0, **value}


def chat_clients(db: Database) -> int:
    return int((get(db, CHAT) or {}).get("clients", 0))


def rfc3339(ts: float | None = None) -> str:
    """Owncast's JSON time format (Go's RFC 3339 with fractional seconds), in UTC."""
    moment = datetime.fromtimestamp(time.time() if ts is None else ts, tz=UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
