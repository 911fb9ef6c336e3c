"""Chat history and moderation data (tables ``messages`` and ``ip_bans``).

Synchronous functions taking the :class:`~owncast_cli.db.Database`, for units of work run by
``db.run`` / ``db.run_write`` or a bus ``effect``. Times are epoch seconds. ``user_id`` is None for
the server's SYSTEM and CHAT_ACTION messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import peewee

from owncast_cli.repos.base import Model
from owncast_cli.repos.users import ChatUser, User, users_by_ids

if TYPE_CHECKING:
    from owncast_cli.db import Database

#: GET /api/chat returns this many messages (Owncast's backlog).
HISTORY_LIMIT: Final = 50
#: Owncast's admin moderation history holds this many recent messages.
ADMIN_LIMIT: Final = 1000


@dataclass(frozen=True)
class StoredMessage:
    """One row of ``messages``."""

    id: str
    user_id: str | None
    body: str
    event_type: str
    timestamp: float
    hidden_at: float | None = None


@dataclass(frozen=True)
class IpBan:
    ip_address: str
    notes: str
    created_at: float


class Message(Model):
    id = peewee.TextField(primary_key=True)
    user_id = peewee.TextField(null=True)
    body = peewee.TextField()
    event_type = peewee.TextField(column_name="eventType")
    hidden_at = peewee.FloatField(null=True)
    timestamp = peewee.FloatField()

    class Meta:
        table_name = "messages"


class Ban(Model):
    ip_address = peewee.TextField(primary_key=True)
    notes = peewee.TextField(default="")
    created_at = peewee.FloatField()

    class Meta:
        table_name = "ip_bans"


def _stored(row: Message) -> StoredMessage:
    return StoredMessage(row.id, row.user_id, row.body, row.event_type, row.timestamp, row.hidden_at)


#: Newest first; rowid breaks ties between messages of the same instant.
_NEWEST = (Message.timestamp.desc(), peewee.Column(Message._meta.table, "rowid").desc())


def save(db: Database, messages: Iterable[StoredMessage]) -> None:
    """Insert new messages; a bad row (a reused id, a missing body) fails the whole call."""
    rows = [{"id": m.id, "user_id": m.user_id, "body": m.body, "event_type": m.event_type,
             "hidden_at": m.hidden_at, "timestamp": m.timestamp} for m in messages]
    if rows:
        Message.insert_many(rows).bind(db.peewee).execute()


def set_hidden(db: Database, ids: Sequence[str], hidden_at: float | None) -> list[str]:
    """Hide (or show, with None) messages by id; returns the ids that exist, in the order given."""
    existing = {row.id for row in Message.select(Message.id).where(Message.id.in_(list(ids))).bind(db.peewee)}
    found = [i for i in dict.fromkeys(ids) if i in existing]
    if found:
        Message.update(hidden_at=hidden_at).where(Message.id.in_(found)).bind(db.peewee).execute()
    return found


def hide_by_user(db: Database, user_id: str, now: float) -> list[str]:
    """Hide every visible message of a user; returns their ids."""
    visible = (Message.user_id == user_id) & Message.hidden_at.is_null()
    ids = [row.id for row in Message.select(Message.id).where(visible).bind(db.peewee)]
    Message.update(hidden_at=now).where(visible).bind(db.peewee).execute()
    return ids


def delete_by_user(db: Database, user_id: str) -> None:
    Message.delete().where(Message.user_id == user_id).bind(db.peewee).execute()


def history(db: Database, limit: int = HISTORY_LIMIT) -> list[tuple[StoredMessage, ChatUser | None]]:
    """The last ``limit`` visible messages of enabled users (and system rows), oldest first."""
    query = (Message.select().join(User, peewee.JOIN.LEFT_OUTER, on=User.id == Message.user_id)
             .where(Message.hidden_at.is_null() & (Message.user_id.is_null() | User.disabled_at.is_null()))
             .order_by(*_NEWEST).limit(limit))
    messages = [_stored(row) for row in reversed(list(query.bind(db.peewee)))]
    authors = users_by_ids(db, [m.user_id for m in messages if m.user_id])
    return [(m, authors.get(m.user_id) if m.user_id else None) for m in messages]


def recent(db: Database, limit: int = ADMIN_LIMIT) -> list[StoredMessage]:
    """The last ``limit`` messages, hidden ones included, newest first (admin moderation, as
    Owncast's GetChatModerationHistory orders them)."""
    return [_stored(row) for row in Message.select().order_by(*_NEWEST).limit(limit).bind(db.peewee)]


def by_user(db: Database, user_id: str, limit: int = 500) -> list[StoredMessage]:
    """A user's messages (hidden ones too), oldest first, for the moderation view."""
    query = Message.select().where(Message.user_id == user_id).order_by(Message.timestamp.desc()).limit(limit)
    return [_stored(row) for row in reversed(list(query.bind(db.peewee)))]


def count(db: Database) -> int:
    return int(Message.select().bind(db.peewee).count())


def prune(db: Database, before: float) -> int:
    """Delete messages older than ``before``; returns how many went."""
    return int(Message.delete().where(Message.timestamp < before).bind(db.peewee).execute())


def ban_ip(db: Database, ip: str, note: str, now: float) -> None:
    Ban.insert(ip_address=ip, notes=note, created_at=now).on_conflict_ignore().bind(db.peewee).execute()


def unban_ip(db: Database, ip: str) -> bool:
    return bool(Ban.delete().where(Ban.ip_address == ip).bind(db.peewee).execute())


def ip_bans(db: Database) -> list[IpBan]:
    return [IpBan(row.ip_address, row.notes, row.created_at)
            for row in Ban.select().order_by(Ban.created_at).bind(db.peewee)]
