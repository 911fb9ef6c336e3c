"""Typed configuration: one table of keys (``keys``), their validators, the store, and the typed
view of every value generated from the table (``values.ConfigValues``)."""

from owncast_cli.config.keys import KEYS, ConfigKey, Kind
from owncast_cli.config.shapes import S3Config, StreamKey
from owncast_cli.config.store import ConfigError, ConfigStore, parse_cli, validate
from owncast_cli.config.values import ConfigValues

__all__ = ["KEYS", "ConfigError", "ConfigKey", "ConfigStore", "ConfigValues", "Kind", "S3Config", "StreamKey",
           "parse_cli", "validate"]
