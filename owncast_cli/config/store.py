"""The config store: validated get/set of config keys, shared by the CLI and the API.

The values live in the config repository (``repos/config.py``); this adds defaults, validation,
masking and the ``config.changed`` events. Typed readers use :meth:`ConfigStore.values`.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from owncast_cli.bus.catalog import ConfigChanged
from owncast_cli.config.keys import KEYS, ConfigKey, Kind
from owncast_cli.config.shapes import StreamKey
from owncast_cli.config.validators import ConfigValueError
from owncast_cli.config.values import ConfigValues
from owncast_cli.repos import config as repo

if TYPE_CHECKING:
    from owncast_cli.db import Database

Items = list[ConfigChanged]
MASK = "********"


class ConfigError(ValueError):
    """A key or value refused; the message names the key, the value and what is allowed."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def lookup(name: str) -> ConfigKey:
    try:
        return KEYS[name]
    except KeyError:
        close = difflib.get_close_matches(name, KEYS, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `owncast config list` shows them"
        raise ConfigError(name, f"unknown config key {name!r}{hint}") from None


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return text if len(text) <= 240 else text[:237] + "..."  # a whole path, a long value cut


def validate(name: str, value: Any) -> Any:
    """Return the normalised value, or raise ConfigError naming key, value and what is allowed."""
    key = lookup(name)
    try:
        return key.validator(value)
    except ConfigValueError as exc:
        raise ConfigError(name, f"invalid value for {name}: {_shown(value)!r}; allowed: {exc.allowed}") from None


def parse_cli(name: str, text: str) -> Any:
    """Turn a command-line string into a typed value for ``name``."""
    key = lookup(name)
    if key.kind is Kind.STRING:
        return text
    if key.kind is Kind.BOOLEAN:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise ConfigError(name, f"invalid value for {name}: {text!r}; allowed: true or false")
    if key.kind is Kind.INTEGER:
        try:
            return int(text)
        except ValueError:
            raise ConfigError(name, f"invalid value for {name}: {text!r}; allowed: an integer") from None
    if key.kind is Kind.NUMBER:
        try:
            return float(text) if any(c in text for c in ".eE") else int(text)
        except ValueError:
            raise ConfigError(name, f"invalid value for {name}: {text!r}; allowed: a number") from None
    try:
        return json.loads(text)
    except ValueError:
        raise ConfigError(
            name, f"invalid value for {name}: {_shown(text)!r}; allowed: JSON text (a list or an object)"
        ) from None


def display(name: str, value: Any) -> Any:
    """What may be shown of a value (secrets masked)."""
    return MASK if KEYS[name].secret and value not in ("", [], {}, None) else value


@dataclass(frozen=True)
class Change:
    key: str
    old: Any
    new: Any

    def event(self) -> ConfigChanged:
        return ConfigChanged(self.key, display(self.key, self.new), not KEYS[self.key].live)


class ConfigStore:
    """Reads and writes typed config values. Sync: call from worker threads or the CLI."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, name: str) -> Any:
        """One key's value by name (for code generic over keys; typed code uses :meth:`values`)."""
        key = lookup(name)
        found, value = repo.get(self.db, name)
        return value if found else key.default_value()

    def is_set(self, name: str) -> bool:
        return repo.get(self.db, name)[0]

    def stored_keys(self) -> set[str]:
        return repo.keys(self.db)

    def all(self) -> dict[str, Any]:
        """Every key's current value (stored or default) by name, in table order."""
        stored = repo.stored(self.db)
        return {name: stored[name] if name in stored else key.default_value() for name, key in KEYS.items()}

    @staticmethod
    def defaults() -> dict[str, Any]:
        return {name: key.default_value() for name, key in KEYS.items()}

    def stream_keys(self) -> list[StreamKey]:
        """The stream keys a broadcaster may publish with (never empty: the validator keeps one)."""
        keys: list[StreamKey] = self.get("stream_keys")
        return keys

    def values(self) -> ConfigValues:
        """Every key's current value, typed (``values().stream_title`` is a ``str``)."""
        return ConfigValues.from_mapping(self.all())

    def plan(self, values: Mapping[str, Any]) -> list[Change]:
        """Validate every value first; return the changes without writing anything."""
        current = self.all()
        changes = []
        for name, value in values.items():
            new = validate(name, value)
            if new != current[name]:
                changes.append(Change(name, current[name], new))
        return changes

    def apply(self, changes: list[Change]) -> Items:
        """Write planned changes; run inside the caller's transaction. Returns the bus events."""
        now = time.time()
        for change in changes:
            repo.put(self.db, change.key, change.new, now)
        return [c.event() for c in changes]

    def unset(self, name: str) -> Items:
        """Return a key to its default; run inside the caller's transaction."""
        key = lookup(name)
        old = self.get(name)
        repo.delete(self.db, name)
        new = key.default_value()
        return [Change(name, old, new).event()] if old != new else []

    def populate_defaults(self) -> Items:
        """First-run values Owncast writes once: the hashed admin password and the init date."""
        items: Items = []
        if not self.is_set("admin_password_key"):
            items += self.apply(self.plan({"admin_password_key": KEYS["admin_password_key"].default}))
        if not self.is_set("server_init_date"):
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            items += self.apply([Change("server_init_date", "", stamp)])
        return items

    def check_admin_password(self, password: str) -> bool:
        import hmac

        import bcrypt

        stored = self.get("admin_password_key")
        if not stored.startswith("$2"):
            # Not yet hashed (the built-in default before first run): still constant time.
            return hmac.compare_digest(password.encode("utf-8", "surrogatepass"),
                                       stored.encode("utf-8", "surrogatepass"))
        return bcrypt.checkpw(password.encode("utf-8", "surrogatepass"), stored.encode())
