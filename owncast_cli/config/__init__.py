"""Typed configuration: one table of keys (``keys``), their validators, and the store."""

from owncast_cli.config.keys import KEYS, ConfigKey, Kind
from owncast_cli.config.store import ConfigError, ConfigStore, parse_cli, validate

__all__ = ["KEYS", "ConfigKey", "ConfigError", "ConfigStore", "Kind", "parse_cli", "validate"]
