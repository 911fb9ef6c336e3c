"""What every check reads: settings, the database, one reading of the config, the daemon records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from owncast_cli.config.values import ConfigValues
    from owncast_cli.daemons.records import DaemonRecord
    from owncast_cli.db import Database
    from owncast_cli.settings import Settings


@dataclass(frozen=True)
class Endpoint:
    """A TCP address a daemon listens on (from its record) or would listen on (from the config)."""

    scheme: str
    host: str
    port: int

    @property
    def connect_host(self) -> str:
        """Where to connect to reach a wildcard listener from this machine."""
        return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)

    def url(self, path: str = "") -> str:
        host = f"[{self.connect_host}]" if ":" in self.connect_host else self.connect_host
        return f"{self.scheme}://{host}:{self.port}{path}"


@dataclass
class Probe:
    """One doctor run's view of the deployment; ``config`` is None when it could not be read."""

    settings: Settings
    db: Database | None
    config: ConfigValues | None
    config_error: str = ""
    daemons: list[DaemonRecord] = field(default_factory=list)

    def record(self, name: str) -> DaemonRecord | None:
        return next((r for r in self.daemons if r.name == name), None)

    def bound(self, name: str, scheme: str) -> Endpoint | None:
        """The ``scheme`` address daemon ``name`` reported when it bound, while it is alive."""
        record = self.record(name)
        if record is None or record.state != "running" or not record.alive:
            return None
        for item in record.detail.split(","):
            parts = urlsplit(item.strip())
            if parts.scheme == scheme and parts.port is not None:
                return Endpoint(scheme, parts.hostname or "", parts.port)
        return None


def load(settings: Settings, db: Database | None = None) -> Probe:
    """Open the database (unless ``db`` is the open one) and read the config and daemon records.

    Blocking: run it in a thread.

    A database that opens but whose config cannot be read (a damaged file) still gives a probe:
    the database check says what is wrong, the checks that need the config say they could not run.

    Raises:
        FileNotFoundError: there is no database file at all.
    """
    from owncast_cli.config import ConfigStore
    from owncast_cli.daemons.records import all_records
    from owncast_cli.db import open_database

    if not settings.db_path.exists():
        raise FileNotFoundError(f"no database at {settings.db_path}: run `owncast migrate` "
                                "(or `owncast run-all`) first")
    try:
        db = db or open_database(settings.db_path, check=False)
        return Probe(settings, db, ConfigStore(db).values(), daemons=all_records(db))
    except Exception as exc:  # a damaged or foreign file: whatever SQLite or peewee says
        return Probe(settings, None, None, config_error=f"{type(exc).__name__}: {exc}")
