"""The ``runtime`` table: small JSON values the daemons share (stream, viewers, health, chores)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import peewee
from peewee import EXCLUDED

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class Runtime(Model):
    key = peewee.TextField(primary_key=True)
    value = peewee.TextField()  # JSON
    updated_at = peewee.FloatField()

    class Meta:
        table_name = "runtime"


def get(db: Database, key: str, default: Any = None) -> Any:
    """The value stored under ``key``, or ``default``."""
    row = Runtime.select(Runtime.value).where(Runtime.key == key).bind(db.peewee).tuples().first()
    return json.loads(row[0]) if row else default


def put(db: Database, key: str, value: Any, now: float) -> None:
    """Store ``value`` (JSON-encodable) under ``key``, replacing what was there."""
    (Runtime.insert(key=key, value=json.dumps(value), updated_at=now)
     .on_conflict(conflict_target=[Runtime.key],
                  update={Runtime.value: EXCLUDED.value, Runtime.updated_at: EXCLUDED.updated_at})
     .bind(db.peewee).execute())


def claim(db: Database, key: str, every: float, now: float) -> bool:
    """Take a periodic chore unless someone took it less than ``every`` seconds ago.

    Call inside a ``BEGIN IMMEDIATE`` transaction (``db.write``) so that of several processes
    asking at once exactly one wins. The value stored is the time of the last claim.
    """
    last = get(db, key)
    if last is not None and now - float(last) < every:
        return False
    put(db, key, now, now)
    return True
