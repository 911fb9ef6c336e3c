"""External identities linked to chat users (table ``auth``): IndieAuth, fediverse, reverse proxy.

Owncast's model: an identity (a profile URL, an ``@user@host`` account, a proxy's user name)
belongs to at most one chat user, and a user holding one is *authenticated* (``users.
authenticated_at``). Signing in with an identity that another user holds logs into that user: the
browser's access token is re-pointed to it. Call these inside a write unit of work
(``db.run_write``) so the check and the change happen in one transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import peewee

from owncast_cli.repos.base import Model
from owncast_cli.repos.users import Token, User, user_by_id

if TYPE_CHECKING:
    from owncast_cli.db import Database
    from owncast_cli.repos.users import ChatUser

#: Owncast's auth types (models/auth.go), and ours for a user named by a trusted reverse proxy.
INDIEAUTH: Final = "indieauth"
FEDIVERSE: Final = "fediverse"
PROXY: Final = "proxy"


class Identity(Model):
    id = peewee.AutoField()
    user_id = peewee.TextField()
    auth_key = peewee.TextField()
    type = peewee.TextField()
    timestamp = peewee.FloatField()

    class Meta:
        table_name = "auth"


def owner_of(db: Database, kind: str, key: str) -> str | None:
    """The id of the user holding the identity, or None."""
    row = (Identity.select(Identity.user_id)
           .where((Identity.type == kind) & (Identity.auth_key == key)).bind(db.peewee).first())
    return row.user_id if row is not None else None


def link(db: Database, user_id: str, kind: str, key: str, now: float) -> ChatUser:
    """Give ``user_id`` the identity and mark it authenticated (first sign-in time kept).

    Raises:
        LookupError: no such user.
    """
    if user_by_id(db, user_id) is None:
        raise LookupError(f"no chat user {user_id}")
    Identity.insert(user_id=user_id, auth_key=key, type=kind, timestamp=now).bind(db.peewee).execute()
    (User.update(authenticated_at=now)
     .where((User.id == user_id) & User.authenticated_at.is_null()).bind(db.peewee).execute())
    user = user_by_id(db, user_id)
    assert user is not None
    return user


def point_token(db: Database, token: str, user_id: str, now: float) -> None:
    """Make ``token`` belong to ``user_id`` (Owncast's SetAccessTokenToOwner), adding it if new."""
    updated = Token.update(user_id=user_id).where(Token.token == token).bind(db.peewee).execute()
    if not updated:
        Token.insert(token=token, user_id=user_id, timestamp=now).bind(db.peewee).execute()


def identities_of(db: Database, user_id: str) -> list[tuple[str, str]]:
    """(type, key) of every identity the user holds, oldest first."""
    query = Identity.select().where(Identity.user_id == user_id).order_by(Identity.timestamp, Identity.id)
    return [(row.type, row.auth_key) for row in query.bind(db.peewee)]
