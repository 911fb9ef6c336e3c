"""The chat daemon's cache of users by id and by access token, in front of the users repository.

A session looks its user up on every frame; the cache answers without the database. Whatever
changes a user goes through here (or calls :meth:`UserCache.refresh`) so the cache stays right.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from owncast_cli.chat.events import new_event_id
from owncast_cli.chat.names import with_random_suffix
from owncast_cli.repos import identities, users
from owncast_cli.repos.users import ChatUser

if TYPE_CHECKING:
    from owncast_cli.db import Database


class UserCache:
    """Users by id, and which user each known token belongs to."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._users: dict[str, ChatUser] = {}
        self._tokens: dict[str, str] = {}

    def get(self, user_id: str) -> ChatUser | None:
        """The cached user (no database read)."""
        return self._users.get(user_id)

    def remember(self, user: ChatUser, token: str | None = None) -> ChatUser:
        self._users[user.id] = user
        if token is not None:
            self._tokens[token] = user.id
        return user

    def forget(self, user_id: str) -> None:
        """Drop a user and every token of it (deleted user, revoked token)."""
        self._users.pop(user_id, None)
        for token in [t for t, u in self._tokens.items() if u == user_id]:
            del self._tokens[token]

    async def for_token(self, token: str) -> ChatUser | None:
        user_id = self._tokens.get(token)
        if user_id is not None and user_id in self._users:
            return self._users[user_id]
        user = await self.db.run(lambda: users.user_for_token(self.db, token))
        return self.remember(user, token) if user is not None else None

    async def current(self, user_id: str) -> ChatUser | None:
        """The cached user, read from the database if not cached."""
        return self._users.get(user_id) or await self.refresh(user_id)

    async def refresh(self, user_id: str) -> ChatUser | None:
        """Re-read a user (another process may have changed it)."""
        user = await self.db.run(lambda: users.user_by_id(self.db, user_id))
        if user is None:
            self._users.pop(user_id, None)
            return None
        return self.remember(user)

    async def create(self, name: str, *, color: int, now: float, rng: random.Random,
                     identity: tuple[str, str] | None = None) -> tuple[ChatUser, str]:
        """A new user named ``name`` (suffixed if registered users hold it) and its token.

        With ``identity`` (type, key), e.g. a user a trusted proxy named: the user holding it gets
        the new token (one user across browsers), or the new user is created holding it.
        """
        token, user_id, db = users.new_access_token(), new_event_id(), self.db

        def work() -> ChatUser:
            owner = identities.owner_of(db, *identity) if identity is not None else None
            if owner is not None:
                identities.point_token(db, token, owner, now)
                found = users.user_by_id(db, owner)
                assert found is not None
                return found
            chosen = name
            while users.name_registered(db, chosen):
                chosen = with_random_suffix(name, rng)
            created = users.create_user(db, user_id=user_id, name=chosen, color=color, token=token, now=now)
            return identities.link(db, user_id, *identity, now) if identity is not None else created

        return self.remember(await db.run_write(work), token), token

    async def bot(self, name: str, *, now: float) -> ChatUser:
        """The bot identity `owncast chat send` speaks as (one per name, created on first use)."""
        db = self.db

        def work() -> ChatUser:
            for user in users.users_named(db, name):
                if user.is_bot:
                    return user
            return users.create_user(db, user_id=new_event_id(), name=name, color=0,
                                     token=users.new_access_token(), now=now, bot=True)

        return self.remember(await db.run_write(work))

    async def rename(self, user: ChatUser, name: str, *, now: float) -> ChatUser | None:
        """Rename unless a registered user or bot holds ``name`` (then None)."""
        db = self.db

        def work() -> ChatUser | None:
            if users.name_registered(db, name, exclude_id=user.id):
                return None
            return users.rename(db, user.id, name, now)

        renamed = await db.run_write(work)
        return self.remember(renamed) if renamed is not None else None

    async def set_color(self, user: ChatUser, color: int) -> ChatUser | None:
        updated = await self.db.run_write(lambda: users.set_color(self.db, user.id, color))
        return self.remember(updated) if updated is not None else None
