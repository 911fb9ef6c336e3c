"""The event bus: durable (an SQLite log) and live (Unix datagram push) at once.

``log`` is the sync storage layer, ``push`` the cross-process wake-up, ``bus`` the async API
daemons use (publish, subscribe, ack). The same API serves one process and many. ``catalog``
names every event type (typed dataclasses); ``eventtype`` encodes and decodes them.
"""

from owncast_cli.bus.bus import Bus, Subscription, open_bus
from owncast_cli.bus.events import Event
from owncast_cli.bus.eventtype import BusEvent

__all__ = ["Bus", "BusEvent", "Event", "Subscription", "open_bus"]
