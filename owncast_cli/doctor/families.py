"""The check families: name, module, time limit and what each checks (no trio: ``--help`` reads it)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from owncast_cli.doctor.context import Probe
    from owncast_cli.doctor.model import Finding

Check = Callable[["Probe"], Awaitable[list["Finding"]]]


@dataclass(frozen=True)
class Family:
    """A group of checks in ``owncast_cli.doctor.<module>``, run by its ``run(probe)``."""

    name: str
    module: str
    limit: float
    help: str
    needs_config: bool = True

    def load(self) -> Check:
        check: Check = importlib.import_module(f"owncast_cli.doctor.{self.module}").run
        return check


FAMILIES: Final[dict[str, Family]] = {f.name: f for f in (
    Family("ports", "ports", 6.0, "the web and RTMP ports listen and answer"),
    Family("proxy", "proxy", 10.0, "server_url reaches this server, passes websockets and the client address"),
    Family("tls", "tls", 8.0, "server_url has a valid certificate (required for federation)"),
    Family("ffmpeg", "encoders", 25.0, "ffmpeg is found, each encoder encodes, the variants run faster than real time"),
    Family("storage", "storage", 12.0, "S3 put/get/delete and the serving URL, disk space for HLS and backups"),
    Family("security", "security", 6.0, "default admin password or stream key, the admin API over plain HTTP"),
    Family("database", "database", 10.0, "integrity check, schema version, last backup", needs_config=False),
    Family("daemons", "daemons", 3.0, "which daemons run, which restarted recently and why"),
)}
