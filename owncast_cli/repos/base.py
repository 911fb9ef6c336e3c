"""The base of every repository model: unbound, so each query names the database it runs on."""

from __future__ import annotations

import peewee


class Model(peewee.Model):
    """A table's peewee model, bound per query (``Model.select().bind(db.peewee)``).

    Models carry no database of their own because one process may hold several (tests, backup,
    restore): a repository function takes the :class:`owncast_cli.db.Database` and binds.
    Tables are created by ``db/migrations.py``, never by ``create_table``.
    """

    class Meta:
        database = None
        legacy_table_names = False
