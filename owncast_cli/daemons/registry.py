"""The daemons in start order, each named by where its ``serve()`` lives (imported lazily)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

ServeFn = Callable[..., Awaitable[None]]


@dataclass(frozen=True)
class DaemonSpec:
    name: str
    target: str  # "package.module:function"
    help: str

    def load(self) -> ServeFn:
        module, _, attr = self.target.partition(":")
        fn: Any = getattr(importlib.import_module(module), attr)
        return fn


#: The order commands and status list them; run-all starts them in this order except serve,
#: which it starts last (see runner._front_door_last).
DAEMONS: dict[str, DaemonSpec] = {
    spec.name: spec
    for spec in (
        DaemonSpec("serve", "owncast_cli.serve.daemon:serve",
                   "The HTTP front door: public API, HLS and pages (port 8080)."),
        DaemonSpec("ingest", "owncast_cli.ingest.daemon:serve",
                   "The RTMP server encoders publish to (port 1935); FLV for the transcoder on run/ingest.sock."),
        DaemonSpec("transcode", "owncast_cli.transcode.daemon:serve",
                   "ffmpeg from run/ingest.sock to HLS variants in data/hls (or S3), thumbnails, offline clip."),
        DaemonSpec("chat", "owncast_cli.chat.daemon:serve",
                   "Owncast's websocket chat: users, moderation and history (/ws, /api/chat; run/chat.sock)."),
        DaemonSpec("notify", "owncast_cli.notify.daemon:serve",
                   "Webhooks with retries, go-live notifications (Discord, apprise, browser push), the directory."),
        DaemonSpec("federate", "owncast_cli.federate.daemon:serve",
                   "ActivityPub: the streamer's fediverse actor, followers, go-live posts (/.well-known, "
                   "/federation; run/federate.sock)."),
    )
}
