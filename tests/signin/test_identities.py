"""The identities repository (table ``auth``) on a migrated database file."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import peewee
import pytest

from owncast_cli.db import Database, open_database
from owncast_cli.repos import identities, users


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "owncast.db", migrate=True)
    yield database
    database.close()


def test_link_log_in_and_delete(db: Database) -> None:
    for user_id in ("a", "b"):
        db.write(partial(users.create_user, db, user_id=user_id, name=user_id, color=1, token=f"t-{user_id}",
                         now=1.0))
    assert identities.owner_of(db, identities.INDIEAUTH, "https://a.example/") is None
    linked = db.write(lambda: identities.link(db, "a", identities.INDIEAUTH, "https://a.example/", 5.0))
    assert linked.authenticated and linked.auth_providers == ("IndieAuth",)
    again = db.write(lambda: identities.link(db, "a", identities.FEDIVERSE, "a@h.example", 6.0))
    assert again.auth_providers == ("Fediverse", "IndieAuth")
    assert identities.identities_of(db, "a") == [("indieauth", "https://a.example/"), ("fediverse", "a@h.example")]
    assert identities.owner_of(db, identities.FEDIVERSE, "a@h.example") == "a"
    # One identity, one user.
    with pytest.raises(peewee.IntegrityError):
        db.write(lambda: identities.link(db, "b", identities.FEDIVERSE, "a@h.example", 7.0))
    with pytest.raises(LookupError):
        db.write(lambda: identities.link(db, "gone", identities.PROXY, "x", 7.0))
    # Logging in re-points an existing token, or adds a new one.
    db.write(lambda: identities.point_token(db, "t-b", "a", 8.0))
    db.write(lambda: identities.point_token(db, "fresh", "a", 8.0))
    assert [getattr(users.user_for_token(db, t), "id", None) for t in ("t-b", "fresh")] == ["a", "a"]
    # A user's identities go with it.
    db.write(lambda: users.delete_user(db, "a"))
    assert identities.owner_of(db, identities.FEDIVERSE, "a@h.example") is None
    b = users.user_by_id(db, "b")
    assert b is not None and b.auth_providers == () and not b.authenticated
