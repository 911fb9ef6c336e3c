"""The one way into the shared SQLite file: open, pragmas, migrations, unit-of-work helpers."""

from owncast_cli.db.database import Database, SchemaOutdated, open_database
from owncast_cli.db.migrations import SCHEMA_VERSION

__all__ = ["Database", "SchemaOutdated", "open_database", "SCHEMA_VERSION"]
