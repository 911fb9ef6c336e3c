"""Owncast's go-live timing, the same for every channel that announces a stream (notify, federate)."""

from __future__ import annotations

from typing import Final

#: Announced this long after the stream starts, so a flapping encoder announces nothing.
GO_LIVE_DELAY: Final = 120.0
#: Not announced again when the last announcement is more recent than this.
GO_LIVE_DEDUP: Final = 600.0
