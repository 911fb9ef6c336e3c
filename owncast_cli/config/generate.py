"""Writes ``values.py``, the typed view of the config table: ``python -m owncast_cli.config.generate``."""

from __future__ import annotations

import sys
from pathlib import Path

from owncast_cli.config.keys import KEYS

TARGET = Path(__file__).with_name("values.py")

_HEAD = '''"""Every config key's current value, typed: ``values.stream_title`` is a ``str``.

Generated from ``keys.KEYS`` by ``python -m owncast_cli.config.generate``: edit the table, then
regenerate (tests/config/test_values.py fails while this file is stale).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from owncast_cli.config.shapes import S3Config, StreamKey


@dataclass(frozen=True)
class ConfigValues:
    """One consistent reading of the config (stored values, else defaults), in table order."""

'''

_TAIL = '''
    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ConfigValues:
        """From every key's value by name (``ConfigStore.all()``); extra names are refused."""
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
'''


def render() -> str:
    fields = [f"    {name}: {key.type_hint}\n" for name, key in KEYS.items()]
    return _HEAD + "".join(fields) + _TAIL


def main() -> None:
    TARGET.write_text(render())
    print(f"wrote {TARGET} ({len(KEYS)} keys)", file=sys.stderr)


if __name__ == "__main__":
    main()
