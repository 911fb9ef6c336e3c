"""Which stream key a publish names, and whether it is one we accept (in constant time)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

#: Owncast publishes under the application ``live``: rtmp://host/live/<key>.
APP = "live"


@dataclass(frozen=True)
class Verdict:
    ok: bool
    #: Why a publish was refused, safe to log: it never contains the key that was given.
    reason: str = ""


def requested_key(app: str, stream_name: str) -> str | None:
    """The key a publisher asks for, or None when the path is not under ``/live/``.

    ``rtmp://host/live/KEY`` arrives as app ``live`` + stream ``KEY`` (ffmpeg, and OBS's
    "server + stream key" form); some encoders send app ``live/KEY`` and an empty stream name.
    A query string (``KEY?foo=bar``) is not part of the key.
    """
    app = app.strip("/")
    name = stream_name.split("?", 1)[0].strip("/")
    if app == APP and name:
        return name
    if app.startswith(APP + "/") and not name:
        return app[len(APP) + 1:].split("?", 1)[0] or None
    return None


def check(app: str, stream_name: str, keys: Iterable[str]) -> Verdict:
    """Compare against every configured key without stopping at the first match."""
    key = requested_key(app, stream_name)
    if key is None:
        return Verdict(False, f"the stream path is not under /{APP}/ (app {app!r})")
    given = key.encode()
    matched = False
    for candidate in keys:
        # compare_digest takes time independent of where the strings differ; OR-ing every
        # result keeps the loop from revealing which key (if any) matched.
        matched |= hmac.compare_digest(given, candidate.encode())
    if not matched:
        return Verdict(False, f"the stream key ({len(key)} characters) matches no configured key")
    return Verdict(True)
