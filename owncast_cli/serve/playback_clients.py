"""Each playback client's latest health, for ``GET /api/admin/viewers/playback``.

Owncast's metrics/playbackClients.go: unlike the two-minute window, a client's state lives for as
long as it keeps reporting (60 s of silence ends its session), its error and quality-switch
counts add up over the session, and each measurement is shown only while fresh (30 s): a value a
player stopped sending goes back to unknown instead of standing in for the current one. This
server measures no segment transfers itself, so every client here reports its own playback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from owncast_cli import state as runtime
from owncast_cli.serve.cmcd import PlaybackReport

#: Owncast's playbackClientStaleTimeout and measurementFreshness.
STALE_SECONDS: Final = 60.0
FRESH_SECONDS: Final = 30.0
#: CMCD player state tokens Owncast's API lists.
PLAYER_STATES: Final = frozenset("pawke")
_FIGURES: Final = ("bandwidthKbps", "latencySeconds", "downloadSeconds", "bitrateKbps")


@dataclass
class ClientPlayback:
    """One playback client: its identities, its latest figures with the time each was taken."""

    client_id: str
    viewer_id: str = ""
    figures: dict[str, tuple[float, float]] = field(default_factory=dict)
    errors: float | None = None
    variant_changes: float | None = None
    player_state: str = ""
    last_update: float = 0.0


class PlaybackClients:
    """The live per-client view; ``clock`` is wall-clock seconds (tests pass their own)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.clients: dict[str, ClientPlayback] = {}

    def record(self, report: PlaybackReport, variant_changes: float) -> None:
        """Apply one report (``variant_changes``: the switches it adds, counted by the window)."""
        now = self.clock()
        current = self.clients.get(report.client_id)
        if current is None or now - current.last_update >= STALE_SECONDS:
            current = self.clients[report.client_id] = ClientPlayback(report.client_id)  # a new session
        if report.viewer_id:
            current.viewer_id = report.viewer_id
        current.last_update = now
        values = (report.bandwidth_kbps, report.latency_seconds, report.download_seconds, report.bitrate_kbps)
        for name, value in zip(_FIGURES, values):
            if value > 0:
                current.figures[name] = (value, now)
        if report.errors is not None:
            current.errors = (current.errors or 0.0) + report.errors
        if report.variant_changes is not None or report.bitrate_kbps > 0:
            current.variant_changes = (current.variant_changes or 0.0) + variant_changes
        if report.player_state in PLAYER_STATES:
            current.player_state = report.player_state

    def active(self) -> list[ClientPlayback]:
        """Clients heard from within :data:`STALE_SECONDS`, by viewer then client (a stable list);
        the others are forgotten."""
        now = self.clock()
        for client_id in [c for c, s in self.clients.items() if now - s.last_update >= STALE_SECONDS]:
            del self.clients[client_id]
        return sorted(self.clients.values(), key=lambda s: (s.viewer_id, s.client_id))

    def health(self, client: ClientPlayback) -> dict[str, Any]:
        """Owncast's PlaybackClientHealth for one client."""
        now = self.clock()
        out: dict[str, Any] = {"source": "client", "lastUpdate": runtime.rfc3339(client.last_update)}
        if client.player_state:
            out["playerState"] = client.player_state
        for name in _FIGURES:
            value, taken = client.figures.get(name, (0.0, -FRESH_SECONDS * 2))
            out[name] = value if now - taken < FRESH_SECONDS else None
        out["errorCount"] = client.errors
        out["qualityVariantChanges"] = client.variant_changes
        return out


def playback_list(viewers: list[dict[str, Any]], clients: PlaybackClients, *, first_seen: Callable[[float], str],
                  geo: Callable[[str], Any]) -> list[dict[str, Any]]:
    """Owncast's GetPlaybackClients: each measured client of a current viewer, then every other
    current viewer with a null ``playback`` ("we can't see this viewer" is worth knowing)."""
    by_id = {v["clientID"]: v for v in viewers}

    def entry(client_id: str, viewer: dict[str, Any], playback: dict[str, Any] | None) -> dict[str, Any]:
        return {"clientID": client_id, "viewerID": viewer["clientID"], "firstSeen": first_seen(viewer["firstSeen"]),
                "geo": geo(viewer["ipAddress"]), "userAgent": viewer["userAgent"],
                "ipAddress": viewer["ipAddress"], "playback": playback}

    out, measured = [], set()
    for client in clients.active():
        viewer = by_id.get(client.viewer_id)
        if viewer is None:
            continue  # its viewer record has gone: it is not watching now
        measured.add(client.viewer_id)
        out.append(entry(client.client_id, viewer, clients.health(client)))
    out += [entry(viewer_id, viewer, None) for viewer_id, viewer in by_id.items() if viewer_id not in measured]
    return out
