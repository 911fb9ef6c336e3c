"""Chat users and their access tokens (tables ``users`` and ``user_access_tokens``).

Every function is synchronous and takes the :class:`~owncast_cli.db.Database`: call it inside a
unit of work run by ``db.run`` / ``db.run_write`` (or a bus ``effect``). Times are epoch seconds;
``previous_names`` and ``scopes`` are stored as JSON lists (a comma list cannot hold a name with a
comma). Integration tokens are Owncast's model: a user of type ``API`` holding scopes.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import peewee

from owncast_cli.repos.base import Model

if TYPE_CHECKING:
    from owncast_cli.db import Database

#: Owncast's user types: chat users and integration/bot identities.
STANDARD: Final = "STANDARD"
API: Final = "API"
#: models/user.go moderatorScopeKey.
MODERATOR_SCOPE: Final = "MODERATOR"


@dataclass(frozen=True)
class ChatUser:
    """The chat user as Owncast's models.User serialises it; times are epoch seconds."""

    id: str
    display_name: str
    display_color: int
    created_at: float
    previous_names: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    is_bot: bool = False
    authenticated: bool = False
    disabled_at: float | None = None
    name_changed_at: float | None = None
    auth_providers: tuple[str, ...] = ()

    @property
    def is_moderator(self) -> bool:
        """Owncast's User.IsModerator: holds the MODERATOR scope."""
        return MODERATOR_SCOPE in self.scopes


@dataclass(frozen=True)
class AccessToken:
    """An integration token with its API user (``last_used`` is None until first used)."""

    token: str
    user: ChatUser
    last_used: float | None


class User(Model):
    id = peewee.TextField(primary_key=True)
    display_name = peewee.TextField()
    display_color = peewee.IntegerField()
    created_at = peewee.FloatField()
    disabled_at = peewee.FloatField(null=True)
    previous_names = peewee.TextField(default="[]")
    namechanged_at = peewee.FloatField(null=True)
    authenticated_at = peewee.FloatField(null=True)
    scopes = peewee.TextField(default="[]")
    type = peewee.TextField(default=STANDARD)
    last_used = peewee.FloatField(null=True)

    class Meta:
        table_name = "users"


class Token(Model):
    token = peewee.TextField(primary_key=True)
    user_id = peewee.TextField()
    timestamp = peewee.FloatField()

    class Meta:
        table_name = "user_access_tokens"


def new_access_token() -> str:
    """A URL-safe random token (Owncast: 32 random bytes, base64url)."""
    return secrets.token_urlsafe(32)


def to_chat_user(row: User) -> ChatUser:
    return ChatUser(
        id=row.id, display_name=row.display_name, display_color=int(row.display_color),
        created_at=float(row.created_at), previous_names=tuple(json.loads(row.previous_names or "[]")),
        scopes=tuple(json.loads(row.scopes or "[]")), is_bot=row.type == API,
        authenticated=row.authenticated_at is not None, disabled_at=row.disabled_at,
        name_changed_at=row.namechanged_at,
    )


def _first(query: Any) -> ChatUser | None:
    row = query.first()
    return to_chat_user(row) if row is not None else None


def create_user(db: Database, *, user_id: str, name: str, color: int, token: str, now: float,
                bot: bool = False, last_used: float | None = -1.0) -> ChatUser:
    """Insert a user and its first access token (``last_used`` defaults to ``now``)."""
    User.insert(id=user_id, display_name=name, display_color=color, created_at=now,
                previous_names=json.dumps([name]), type=API if bot else STANDARD,
                last_used=now if last_used == -1.0 else last_used).bind(db.peewee).execute()
    Token.insert(token=token, user_id=user_id, timestamp=now).bind(db.peewee).execute()
    user = user_by_id(db, user_id)
    assert user is not None
    return user


def user_by_id(db: Database, user_id: str) -> ChatUser | None:
    return _first(User.select().where(User.id == user_id).bind(db.peewee))


def users_by_ids(db: Database, ids: Iterable[str]) -> dict[str, ChatUser]:
    wanted = list(dict.fromkeys(ids))
    rows = User.select().where(User.id.in_(wanted)).bind(db.peewee) if wanted else []
    return {row.id: to_chat_user(row) for row in rows}


def user_for_token(db: Database, token: str) -> ChatUser | None:
    query = User.select().join(Token, on=Token.user_id == User.id).where(Token.token == token)
    return _first(query.bind(db.peewee))


def users_named(db: Database, name: str) -> list[ChatUser]:
    """Users whose current display name is exactly ``name``, oldest first."""
    query = User.select().where(User.display_name == name).order_by(User.created_at)
    return [to_chat_user(row) for row in query.bind(db.peewee)]


def name_registered(db: Database, name: str, *, exclude_id: str | None = None) -> bool:
    """Whether an authenticated user or an API/bot identity other than ``exclude_id`` holds ``name``."""
    query = User.select(User.id).where(
        (User.display_name == name) & (User.id != (exclude_id or ""))
        & (User.authenticated_at.is_null(False) | (User.type == API)))
    return query.bind(db.peewee).exists()


def _update(db: Database, user_id: str, **values: Any) -> ChatUser | None:
    User.update(**values).where(User.id == user_id).bind(db.peewee).execute()
    return user_by_id(db, user_id)


def rename(db: Database, user_id: str, name: str, now: float) -> ChatUser:
    """Set a new display name, appending it to ``previous_names`` (Owncast keeps every name)."""
    user = user_by_id(db, user_id)
    if user is None:
        raise LookupError(f"no chat user {user_id}")
    previous = list(user.previous_names) + ([name] if name not in user.previous_names else [])
    renamed = _update(db, user_id, display_name=name, previous_names=json.dumps(previous), namechanged_at=now)
    assert renamed is not None
    return renamed


def set_color(db: Database, user_id: str, color: int) -> ChatUser | None:
    return _update(db, user_id, display_color=color)


def set_scopes(db: Database, user_id: str, scopes: Iterable[str]) -> ChatUser | None:
    return _update(db, user_id, scopes=json.dumps(sorted(set(scopes))))


def set_disabled(db: Database, user_id: str, disabled_at: float | None) -> ChatUser | None:
    return _update(db, user_id, disabled_at=disabled_at)


def delete_user(db: Database, user_id: str) -> bool:
    """Remove a user and its tokens (its messages go with :func:`chat_messages.delete_by_user`)."""
    Token.delete().where(Token.user_id == user_id).bind(db.peewee).execute()
    return bool(User.delete().where(User.id == user_id).bind(db.peewee).execute())


def count_chat_users(db: Database) -> int:
    """Chat users, integration (API) users left out."""
    return int(User.select().where(User.type != API).bind(db.peewee).count())


def users_matching(db: Database, *, disabled: bool | None = None, moderators: bool = False,
                   search: str = "", status: str = "all", newest_first: bool = False,
                   offset: int = 0, limit: int | None = None) -> tuple[int, list[ChatUser]]:
    """Users for the admin lists: (total matching, the page asked for), by creation time.

    ``disabled`` True/False keeps disabled/enabled chat users (API users left out);
    ``status`` is "all", "active" (enabled, not API) or "bots" (API).
    """
    where: list[Any] = []
    if disabled is not None:
        where += [User.disabled_at.is_null(not disabled), User.type != API]
    if moderators:
        where.append(peewee.fn.instr(User.scopes, f'"{MODERATOR_SCOPE}"') > 0)
    if search:
        where.append(peewee.fn.instr(peewee.fn.lower(User.display_name), peewee.fn.lower(search)) > 0)
    if status == "active":
        where += [User.disabled_at.is_null(), User.type != API]
    elif status == "bots":
        where.append(User.type == API)
    query = User.select()
    for clause in where:
        query = query.where(clause)
    total = query.bind(db.peewee).count()
    order = User.created_at.desc() if newest_first else User.created_at.asc()
    page = query.order_by(order, User.id).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    return total, [to_chat_user(row) for row in page.bind(db.peewee)]


# --- integration tokens ---------------------------------------------------------------------------


def _access_tokens(db: Database, token: str | None = None) -> list[AccessToken]:
    """Tokens of enabled API users that hold scopes (Owncast's access token list), oldest first."""
    query = (Token.select().join(User, on=Token.user_id == User.id)
             .where((User.type == API) & User.disabled_at.is_null() & (User.scopes != "[]")))
    if token is not None:
        query = query.where(Token.token == token)
    found = list(query.order_by(User.created_at, Token.timestamp).bind(db.peewee))
    owners = {row.id: row for row in User.select().where(User.id.in_([t.user_id for t in found])).bind(db.peewee)}
    return [AccessToken(t.token, to_chat_user(owners[t.user_id]), owners[t.user_id].last_used) for t in found]


def access_tokens(db: Database) -> list[AccessToken]:
    return _access_tokens(db)


def access_token(db: Database, token: str) -> AccessToken | None:
    found = _access_tokens(db, token)
    return found[0] if found else None


def create_access_token(db: Database, *, user_id: str, name: str, scopes: list[str], color: int,
                        now: float) -> AccessToken:
    """A new API user holding ``scopes`` and its token (never used yet)."""
    token = new_access_token()
    create_user(db, user_id=user_id, name=name, color=color, token=token, now=now, bot=True, last_used=None)
    # Stored as sent, order kept: Owncast joins the list it was given and splits it back.
    _update(db, user_id, scopes=json.dumps(list(scopes)))
    created = access_token(db, token)
    assert created is not None
    return created


def revoke_access_token(db: Database, token: str, now: float) -> str | None:
    """Disable the token's API user and drop its tokens (Owncast); its id, or None if unknown."""
    found = access_token(db, token)
    if found is None:
        return None
    set_disabled(db, found.user.id, now)
    Token.delete().where(Token.user_id == found.user.id).bind(db.peewee).execute()
    return found.user.id


def integration_user(db: Database, token: str, scope: str, now: float) -> ChatUser | None:
    """The enabled API user holding ``scope`` whose token this is, marked as used now."""
    query = (User.select().join(Token, on=Token.user_id == User.id)
             .where((Token.token == token) & (User.type == API) & User.disabled_at.is_null()))
    user = _first(query.bind(db.peewee))
    if user is None or scope not in user.scopes:
        return None
    User.update(last_used=now).where(User.id == user.id).bind(db.peewee).execute()
    return user
