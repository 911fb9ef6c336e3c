"""Chat persistence: users, access tokens, messages and IP bans in the shared SQLite file.

Every function is synchronous and takes the :class:`~owncast_cli.db.Database`: call them inside a
unit of work run by ``db.run`` / ``db.run_write`` (or the bus's ``effect``). Times are epoch
seconds; ``previous_names`` and ``scopes`` are JSON lists.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from owncast_cli.chat.events import ChatUser, EventType

if TYPE_CHECKING:
    from owncast_cli.db import Database

#: Owncast's user types: chat users and integration/bot identities.
STANDARD, API = "STANDARD", "API"
#: GET /api/chat returns this many messages (Owncast's backlog).
HISTORY_LIMIT = 50
_USER_COLUMNS = ("id, display_name, display_color, created_at, disabled_at, previous_names, "
                 "namechanged_at, authenticated_at, scopes, type")


@dataclass(frozen=True)
class StoredMessage:
    """One row of ``messages``; ``user_id`` is None for system and action messages."""

    id: str
    user_id: str | None
    body: str
    event_type: str
    timestamp: float
    hidden_at: float | None = None


def new_access_token() -> str:
    """A URL-safe random token (Owncast: 32 random bytes, base64url)."""
    return secrets.token_urlsafe(32)


def _user(row: Sequence[Any]) -> ChatUser:
    (id_, name, color, created, disabled, previous, changed, authenticated, scopes, kind) = row
    return ChatUser(
        id=id_, display_name=name, display_color=int(color), created_at=float(created),
        previous_names=tuple(json.loads(previous or "[]")), scopes=tuple(json.loads(scopes or "[]")),
        is_bot=kind == API, authenticated=authenticated is not None,
        disabled_at=disabled, name_changed_at=changed,
    )


def create_user(db: Database, *, user_id: str, name: str, color: int, token: str, now: float,
                bot: bool = False) -> ChatUser:
    """Insert a user and its first access token."""
    db.execute(
        f"INSERT INTO users ({_USER_COLUMNS}, last_used) VALUES (?, ?, ?, ?, NULL, ?, NULL, NULL, '[]', ?, ?)",
        (user_id, name, color, now, json.dumps([name]), API if bot else STANDARD, now),
    )
    db.execute("INSERT INTO user_access_tokens (token, user_id, timestamp) VALUES (?, ?, ?)",
               (token, user_id, now))
    user = user_by_id(db, user_id)
    assert user is not None
    return user


def user_by_id(db: Database, user_id: str) -> ChatUser | None:
    rows = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (user_id,))
    return _user(rows[0]) if rows else None


def user_for_token(db: Database, token: str) -> ChatUser | None:
    rows = db.execute(
        f"SELECT {', '.join('u.' + c.strip() for c in _USER_COLUMNS.split(','))} FROM users u "
        "JOIN user_access_tokens t ON t.user_id = u.id WHERE t.token = ?", (token,))
    return _user(rows[0]) if rows else None


def users_named(db: Database, name: str) -> list[ChatUser]:
    """Users whose current display name is exactly ``name``."""
    rows = db.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE display_name = ? ORDER BY created_at", (name,))
    return [_user(row) for row in rows]


def name_registered(db: Database, name: str, *, exclude_id: str | None = None) -> bool:
    """Whether an authenticated user or an API/bot identity other than ``exclude_id`` holds ``name``."""
    rows = db.execute(
        "SELECT 1 FROM users WHERE display_name = ? AND id != ? "
        "AND (authenticated_at IS NOT NULL OR type = ?) LIMIT 1",
        (name, exclude_id or "", API))
    return bool(rows)


def rename(db: Database, user_id: str, name: str, now: float) -> ChatUser:
    """Set a new display name, appending it to ``previous_names`` (Owncast keeps every name)."""
    user = user_by_id(db, user_id)
    if user is None:
        raise LookupError(f"no chat user {user_id}")
    previous = [*user.previous_names, name] if name not in user.previous_names else list(user.previous_names)
    db.execute("UPDATE users SET display_name = ?, previous_names = ?, namechanged_at = ? WHERE id = ?",
               (name, json.dumps(previous), now, user_id))
    return user_by_id(db, user_id)  # type: ignore[return-value]


def set_color(db: Database, user_id: str, color: int) -> ChatUser | None:
    db.execute("UPDATE users SET display_color = ? WHERE id = ?", (color, user_id))
    return user_by_id(db, user_id)


def set_scopes(db: Database, user_id: str, scopes: Iterable[str]) -> ChatUser | None:
    db.execute("UPDATE users SET scopes = ? WHERE id = ?", (json.dumps(sorted(set(scopes))), user_id))
    return user_by_id(db, user_id)


def set_disabled(db: Database, user_id: str, disabled_at: float | None) -> ChatUser | None:
    db.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (disabled_at, user_id))
    return user_by_id(db, user_id)


# --- messages ---------------------------------------------------------------------------------


def save_messages(db: Database, messages: Iterable[StoredMessage]) -> None:
    for m in messages:
        db.execute(
            "INSERT OR IGNORE INTO messages (id, user_id, body, eventType, hidden_at, timestamp) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (m.id, m.user_id, m.body, m.event_type, m.hidden_at, m.timestamp))


def set_hidden(db: Database, ids: Sequence[str], hidden_at: float | None) -> list[str]:
    """Hide (or show, with None) messages by id; returns the ids that exist."""
    found: list[str] = []
    for message_id in ids:
        if db.execute("SELECT 1 FROM messages WHERE id = ?", (message_id,)):
            db.execute("UPDATE messages SET hidden_at = ? WHERE id = ?", (hidden_at, message_id))
            found.append(message_id)
    return found


def hide_user_messages(db: Database, user_id: str, now: float) -> list[str]:
    """Hide every visible message of a user; returns their ids."""
    ids = [row[0] for row in db.execute(
        "SELECT id FROM messages WHERE user_id = ? AND hidden_at IS NULL", (user_id,))]
    db.execute("UPDATE messages SET hidden_at = ? WHERE user_id = ? AND hidden_at IS NULL", (now, user_id))
    return ids


def history(db: Database, limit: int = HISTORY_LIMIT) -> list[tuple[StoredMessage, ChatUser | None]]:
    """The last ``limit`` visible messages of enabled users (and system rows), oldest first."""
    rows = db.execute(
        "SELECT m.id, m.user_id, m.body, m.eventType, m.timestamp, m.hidden_at, "
        + ", ".join("u." + c.strip() for c in _USER_COLUMNS.split(","))
        + " FROM messages m LEFT JOIN users u ON u.id = m.user_id "
        "WHERE m.hidden_at IS NULL AND (m.user_id IS NULL OR u.disabled_at IS NULL) "
        "ORDER BY m.timestamp DESC, m.rowid DESC LIMIT ?", (limit,))
    return [_message_row(row) for row in reversed(rows)]


def user_messages(db: Database, user_id: str, limit: int = 500) -> list[StoredMessage]:
    """A user's messages (hidden ones too), oldest first, for the moderation view."""
    rows = db.execute(
        "SELECT id, user_id, body, eventType, timestamp, hidden_at FROM messages WHERE user_id = ? "
        "ORDER BY timestamp DESC LIMIT ?", (user_id, limit))
    return [StoredMessage(r[0], r[1], r[2], r[3], r[4], r[5]) for r in reversed(rows)]


def _message_row(row: Sequence[Any]) -> tuple[StoredMessage, ChatUser | None]:
    message = StoredMessage(row[0], row[1], row[2], row[3], row[4], row[5])
    user = _user(row[6:]) if row[6] is not None else None
    return message, user


def prune(db: Database, before: float) -> int:
    """Delete messages older than ``before``; returns how many went."""
    count = db.execute("SELECT COUNT(*) FROM messages WHERE timestamp < ?", (before,))[0][0]
    db.execute("DELETE FROM messages WHERE timestamp < ?", (before,))
    return int(count)


# --- IP bans ----------------------------------------------------------------------------------


def ban_ip(db: Database, ip: str, note: str, now: float) -> None:
    db.execute("INSERT OR IGNORE INTO ip_bans (ip_address, notes, created_at) VALUES (?, ?, ?)",
               (ip, note, now))


def banned_ips(db: Database) -> set[str]:
    return {row[0] for row in db.execute("SELECT ip_address FROM ip_bans")}


#: Event types stored in ``messages`` and returned by the history.
STORED_TYPES = frozenset({EventType.CHAT, EventType.SYSTEM, EventType.CHAT_ACTION})
