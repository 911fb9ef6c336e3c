"""Repositories: one module per domain owns its tables (as peewee models) and every query on them.

Daemons, routes and commands call these functions; SQL appears only here, in ``db/`` (pragmas,
migrations, checkpoints) and in the bus's own event log. Schema changes stay in the one ordered
list in ``db/migrations.py``.
"""
