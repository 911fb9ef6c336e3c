"""A webhook request's body: Owncast's ``status`` object, the fields every event starts with, and
Go's JSON encoding; ``snapshot`` reads the server's state for them from the database."""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from owncast_cli import state

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.db import Database

_SHORTID = string.ascii_letters + string.digits + "-_"


def short_id() -> str:
    """An id like Owncast's ``shortid`` (9 URL-safe characters) for events it mints."""
    return "".join(secrets.choice(_SHORTID) for _ in range(9))


@dataclass(frozen=True)
class Snapshot:
    """The server's state when the event is routed: what ``status`` and the stream events say."""

    server_name: str
    server_summary: str
    server_url: str
    stream_title: str
    #: Owncast's ``models.Status``, in its field order.
    status: dict[str, Any]


def status_object(stream: dict[str, Any], viewers: dict[str, int], title: str, version: str) -> dict[str, Any]:
    """Owncast's ``models.Status`` from the shared runtime state (``owncast_cli.state``)."""
    return {
        "lastConnectTime": stream.get("lastConnectTime"),
        "lastDisconnectTime": stream.get("lastDisconnectTime"),
        "versionNumber": version,
        "streamTitle": title,
        "viewerCount": viewers.get("current", 0),
        "overallMaxViewerCount": viewers.get("overallPeak", 0),
        "sessionMaxViewerCount": viewers.get("sessionPeak", 0),
        "online": bool(stream.get("online")),
    }


def base(snap: Snapshot) -> dict[str, Any]:
    """Go's embedded ``BaseWebhookData``: ``status``, then ``serverURL`` (left out while unset)."""
    data: dict[str, Any] = {"status": snap.status}
    if snap.server_url:
        data["serverURL"] = snap.server_url
    return data


def encode(kind: str, data: dict[str, Any]) -> str:
    """The request body: Go's ``json.Marshal`` of ``WebhookEvent`` (eventData first, compact, and
    ``<``, ``>``, ``&``, U+2028/9 escaped as Go does; they occur only inside JSON strings)."""
    text = json.dumps({"eventData": data, "type": kind}, separators=(",", ":"), ensure_ascii=False)
    return text.translate(_GO_ESCAPES)


_GO_ESCAPES: Final = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                    "\u2028": "\\u2028", "\u2029": "\\u2029"})


def ping(snap: Snapshot, ts: str) -> dict[str, Any]:
    """The ``eventData`` of the PING event ``owncast webhooks test`` sends (an Owncast event type
    that no state change fires, so a receiver acting on real events ignores it)."""
    return {**base(snap), "id": short_id(), "timestamp": ts}


def snapshot(db: Database, config: ConfigValues, version: str) -> Snapshot:
    """The server's state now, from the shared database (sync: call it in a unit of work)."""
    status = status_object(state.stream(db), state.viewers(db), config.stream_title, version)
    return Snapshot(config.server_name, config.server_summary, config.server_url, config.stream_title, status)
