"""The event bus: durable (an SQLite log) and live (Unix datagram push) at once.

``log`` is the sync storage layer, ``push`` the cross-process wake-up, ``bus`` the async API
daemons use (publish, subscribe, ack). The same API serves one process and many.
"""

from owncast_cli.bus.bus import Bus, Subscription, open_bus
from owncast_cli.bus.events import Event

__all__ = ["Bus", "Event", "Subscription", "open_bus"]
