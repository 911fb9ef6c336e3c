"""The typed view of the config: generated from the one table, current, and read from the store."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from owncast_cli.config import KEYS, ConfigStore, ConfigValues, Kind
from owncast_cli.config.generate import TARGET, render
from owncast_cli.db import open_database

PYTHON_TYPES = {Kind.STRING: str, Kind.INTEGER: int, Kind.NUMBER: (int, float), Kind.BOOLEAN: bool}


def test_values_module_is_generated_from_the_table() -> None:
    assert TARGET.read_text() == render(), "run `python -m owncast_cli.config.generate`"
    assert [f.name for f in dataclasses.fields(ConfigValues)] == list(KEYS)


def test_defaults_have_the_declared_types() -> None:
    hints = typing.get_type_hints(ConfigValues)
    for name, key in KEYS.items():
        value = key.default_value()
        if key.kind in PYTHON_TYPES:
            assert isinstance(value, PYTHON_TYPES[key.kind]), name
        else:
            assert isinstance(value, typing.get_origin(hints[name]) or dict), name


def test_values_read_stored_and_default_values(migrated: Path) -> None:
    db = open_database(migrated / "owncast.db")
    try:
        store = ConfigStore(db)
        db.write(lambda: store.apply(store.plan({"stream_title": "Night", "video_latency_level": 4})))
        values = store.values()
        assert (values.stream_title, values.video_latency_level, values.nsfw) == ("Night", 4, False)
        assert values.stream_keys == store.stream_keys() == [{"key": "abc123", "comment": "Default stream key"}]
        assert values.as_dict() == store.all()
        db.write(lambda: store.unset("stream_title"))
        assert store.values().stream_title == "" and not store.is_set("stream_title")
        assert "video_latency_level" in store.stored_keys()
    finally:
        db.close()
