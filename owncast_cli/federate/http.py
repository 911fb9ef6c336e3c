"""Helpers every federate route shares: the daemon of the app, Owncast's answers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from quart import Response, current_app, g

from owncast_cli.protocols.activitypub import httpsig

if TYPE_CHECKING:
    from owncast_cli.federate.daemon import Federate

EXTENSION: Final = "owncast_federate"
ACTIVITY_JSON: Final = "application/activity+json"
#: Owncast's RequireActivityPubOrRedirect accepts these (we add ld+json, which Mastodon sends too).
AP_TYPES: Final = frozenset({"application/json", "application/json+ld", "application/activity+json",
                             "application/ld+json"})


def federate() -> Federate:
    fed: Federate = current_app.extensions[EXTENSION]
    return fed


def empty(status: int) -> Response:
    return Response(b"", status=status)


def wants_activitypub(accept: str, content_type: str) -> bool:
    """Owncast's test: any listed type in Accept (or Content-Type), parameters ignored."""
    for header in (accept, content_type):
        for item in header.split(","):
            if item.split(";")[0].strip().lower() in AP_TYPES:
                return True
    return False


def activity_response(doc: Any, *, content_type: str = ACTIVITY_JSON, status: int = 200) -> Response:
    """A JSON document, signed as Owncast signs its ActivityPub answers (Date + Digest)."""
    fed = federate()
    body = json.dumps(doc, separators=(",", ":")).encode()
    headers = {"date": httpsig.http_date(fed.service.clock()), "digest": httpsig.digest(body)}
    key_id = fed.service.profile(g.config).key_id
    headers["signature"] = httpsig.sign("GET", "/", headers, key_id, fed.service.key, ("date", "digest"))
    return Response(body, status=status, content_type=content_type, headers=headers)
