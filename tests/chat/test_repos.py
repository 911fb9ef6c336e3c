"""The users/tokens and chat messages repositories on a migrated database file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from owncast_cli.db import Database, open_database
from owncast_cli.repos import chat_messages, users
from owncast_cli.repos.chat_messages import StoredMessage


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "owncast.db", migrate=True)
    yield database
    database.close()


def chat_user(db: Database, user_id: str, name: str, now: float) -> users.ChatUser:
    return db.write(lambda: users.create_user(db, user_id=user_id, name=name, color=2, token=f"t-{user_id}", now=now))


def test_users_tokens_and_names(db: Database) -> None:
    alice = chat_user(db, "a", "alice", 10.0)
    assert users.user_for_token(db, "t-a") == alice and users.user_for_token(db, "nope") is None
    assert alice.previous_names == ("alice",) and not alice.is_bot
    renamed = db.write(lambda: users.rename(db, "a", "Alice", 11.0))
    assert renamed.display_name == "Alice" and renamed.previous_names == ("alice", "Alice")
    assert renamed.name_changed_at == 11.0
    assert not users.name_registered(db, "Alice")  # anonymous users do not hold names
    assert users.users_named(db, "Alice") == [renamed]
    moderator = db.write(lambda: users.set_scopes(db, "a", ["MODERATOR", "MODERATOR"]))
    assert moderator is not None and moderator.is_moderator and moderator.scopes == ("MODERATOR",)
    assert users.users_matching(db, moderators=True) == (1, [moderator])
    assert db.write(lambda: users.set_disabled(db, "a", 12.0)).disabled_at == 12.0
    assert users.users_matching(db, disabled=True)[0] == 1
    assert db.write(lambda: users.delete_user(db, "a")) and users.user_by_id(db, "a") is None
    assert users.user_for_token(db, "t-a") is None


def test_admin_user_pages(db: Database) -> None:
    for i in range(5):
        chat_user(db, f"u{i}", f"Name{i}", float(i))
    total, page = users.users_matching(db, search="name", status="active", newest_first=True, offset=1, limit=2)
    assert total == 5 and [u.id for u in page] == ["u3", "u2"]
    assert users.users_matching(db, status="bots") == (0, [])
    db.write(lambda: users.create_access_token(db, user_id="b", name="bot", scopes=["CAN_SEND_MESSAGES"],
                                               color=3, now=9.0))
    assert users.count_chat_users(db) == 5 and users.users_matching(db, status="bots")[0] == 1


def test_integration_tokens(db: Database) -> None:
    token = db.write(lambda: users.create_access_token(db, user_id="b", name="bot", scopes=["CAN_SEND_MESSAGES"],
                                                       color=3, now=5.0))
    assert token.user.is_bot and token.last_used is None and users.access_tokens(db) == [token]
    assert users.name_registered(db, "bot")  # a bot's name is taken
    assert users.integration_user(db, token.token, "HAS_ADMIN_ACCESS", 6.0) is None  # scope missing
    assert users.access_token(db, token.token).last_used is None  # type: ignore[union-attr]
    assert users.integration_user(db, token.token, "CAN_SEND_MESSAGES", 7.0) == token.user
    assert users.access_token(db, token.token).last_used == 7.0  # type: ignore[union-attr]
    assert db.write(lambda: users.revoke_access_token(db, token.token, 8.0)) == "b"
    assert users.access_tokens(db) == [] and users.integration_user(db, token.token, "CAN_SEND_MESSAGES", 9.0) is None
    assert db.write(lambda: users.revoke_access_token(db, token.token, 8.0)) is None


def test_history_hiding_and_pruning(db: Database) -> None:
    chat_user(db, "a", "alice", 1.0)
    chat_user(db, "b", "bob", 1.0)
    rows = [StoredMessage("m1", "a", "one", "CHAT", 2.0), StoredMessage("s1", None, "sys", "SYSTEM", 2.0),
            StoredMessage("m2", "b", "two", "CHAT", 3.0), StoredMessage("m3", "a", "three", "CHAT", 4.0)]
    db.write(lambda: chat_messages.save(db, rows))
    # Same timestamp: insertion order breaks the tie.
    assert [(m.id, u.id if u else None) for m, u in chat_messages.history(db)] == [
        ("m1", "a"), ("s1", None), ("m2", "b"), ("m3", "a")]
    assert db.write(lambda: chat_messages.set_hidden(db, ["m3", "missing", "m3"], 5.0)) == ["m3"]
    db.write(lambda: users.set_disabled(db, "b", 5.0))  # a disabled user's messages leave history
    assert [m.id for m, _ in chat_messages.history(db)] == ["m1", "s1"]
    # Newest first, as Owncast's GetChatModerationHistory.
    assert [m.id for m in chat_messages.recent(db)] == ["m3", "m2", "s1", "m1"]
    assert db.write(lambda: chat_messages.hide_by_user(db, "a", 6.0)) == ["m1"]
    assert [(m.id, m.hidden_at) for m in chat_messages.by_user(db, "a")] == [("m1", 6.0), ("m3", 5.0)]
    with pytest.raises(peewee.IntegrityError):
        db.write(lambda: chat_messages.save(db, [rows[0]]))  # an id is never stored twice
    assert chat_messages.count(db) == 4
    assert db.write(lambda: chat_messages.prune(db, 3.0)) == 2
    assert [m.id for m in chat_messages.recent(db)] == ["m3", "m2"]


def test_ip_bans(db: Database) -> None:
    db.write(lambda: chat_messages.ban_ip(db, "192.0.2.1", "manually added", 1.0))
    db.write(lambda: chat_messages.ban_ip(db, "192.0.2.1", "again", 2.0))  # kept once, first note
    assert chat_messages.ip_bans(db) == [chat_messages.IpBan("192.0.2.1", "manually added", 1.0)]
    assert db.write(lambda: chat_messages.unban_ip(db, "192.0.2.1"))
    assert not db.write(lambda: chat_messages.unban_ip(db, "192.0.2.1"))
