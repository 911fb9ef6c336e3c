"""Every event type the bus carries: name, version, publishers and fields, one module per area.

Publishers build these (``await bus.publish(StreamStopped(stream_id, reason))``) and subscribers
read them (``async for event, body in sub.decoded()``); only ``eventtype`` sees the wire form.
The chat payloads are Owncast's websocket events (also its webhook bodies): their keys are in
Owncast's alphabetical order, then our additions. A new area adds a module here and its star
import below.
"""

from __future__ import annotations

from owncast_cli.bus.catalog.chat import *  # noqa: F403
from owncast_cli.bus.catalog.fediverse import *  # noqa: F403
from owncast_cli.bus.catalog.schedule import *  # noqa: F403
from owncast_cli.bus.catalog.stream import *  # noqa: F403
from owncast_cli.bus.catalog.transcode import *  # noqa: F403
