"""The ``daemons`` table: one row per daemon name, the process that runs it and its state."""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee
from peewee import EXCLUDED, Case

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database


class Daemon(Model):
    name = peewee.TextField(primary_key=True)
    pid = peewee.IntegerField()
    state = peewee.TextField()
    started_at = peewee.FloatField()
    restarts = peewee.IntegerField(default=0)
    updated_at = peewee.FloatField()
    detail = peewee.TextField(default="")

    class Meta:
        table_name = "daemons"


def record(db: Database, name: str, *, pid: int, state: str, restarts: int, detail: str, now: float) -> None:
    """Write a daemon's row; ``started_at`` moves only when it turns ``running`` from another state."""
    became_running = (EXCLUDED.state == "running") & (Daemon.state != "running")
    (Daemon.insert(name=name, pid=pid, state=state, started_at=now, restarts=restarts, updated_at=now,
                   detail=detail)
     .on_conflict(conflict_target=[Daemon.name], update={
         Daemon.pid: EXCLUDED.pid, Daemon.state: EXCLUDED.state, Daemon.restarts: EXCLUDED.restarts,
         Daemon.updated_at: EXCLUDED.updated_at, Daemon.detail: EXCLUDED.detail,
         Daemon.started_at: Case(None, [(became_running, EXCLUDED.started_at)], Daemon.started_at)})
     .bind(db.peewee).execute())


def all_daemons(db: Database) -> list[Daemon]:
    """Every row, by name."""
    return list(Daemon.select().order_by(Daemon.name).bind(db.peewee))


def one(db: Database, name: str) -> Daemon | None:
    """The row of daemon ``name``, or None when it never ran."""
    return Daemon.select().where(Daemon.name == name).bind(db.peewee).get_or_none()
