"""The config repository: the ``datastore`` table (Owncast's name), one JSON value per key."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class Datastore(Model):
    """One stored config value; a key without a row has its default (see ``config/keys.py``)."""

    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()  # JSON
    timestamp = peewee.FloatField()


def stored(db: Database) -> dict[str, Any]:
    """Every stored value by key (keys at their default have no row)."""
    return {row.key: json.loads(row.value) for row in Datastore.select().bind(db.peewee)}


def get(db: Database, key: str) -> tuple[bool, Any]:
    """``(True, value)`` if ``key`` is stored, else ``(False, None)``."""
    row = Datastore.select(Datastore.value).where(Datastore.key == key).bind(db.peewee).first()
    return (True, json.loads(row.value)) if row else (False, None)


def keys(db: Database) -> set[str]:
    return {row.key for row in Datastore.select(Datastore.key).bind(db.peewee)}


def put(db: Database, key: str, value: Any, now: float) -> None:
    """Store ``value``; call inside the caller's transaction."""
    Datastore.insert(key=key, value=json.dumps(value), timestamp=now).on_conflict(
        conflict_target=[Datastore.key], update={Datastore.value: json.dumps(value), Datastore.timestamp: now}
    ).bind(db.peewee).execute()


def delete(db: Database, key: str) -> None:
    Datastore.delete().where(Datastore.key == key).bind(db.peewee).execute()
