"""The webhooks table: create, list in order, delete, and what notify will read."""

from __future__ import annotations

import json

from owncast_cli.db import Database
from owncast_cli.repos import webhooks


def test_create_list_delete(db: Database) -> None:
    first = webhooks.create(db, "https://a.example/hook", ["CHAT", "STREAM_STARTED"], "s3cret", now=100.0)
    second = webhooks.create(db, "http://b.example/", ["PING"], "", now=101.0)
    assert second.id == first.id + 1
    listed = webhooks.all_webhooks(db)
    assert [(h.id, h.url, h.events, h.secret, h.timestamp, h.last_used) for h in listed] == [
        (first.id, "https://a.example/hook", ("CHAT", "STREAM_STARTED"), "s3cret", 100.0, None),
        (second.id, "http://b.example/", ("PING",), "", 101.0, None)]
    assert webhooks.delete(db, first.id) is True
    assert webhooks.delete(db, first.id) is False
    assert [h.id for h in webhooks.all_webhooks(db)] == [second.id]


def test_events_are_stored_as_a_json_list(db: Database) -> None:
    # Owncast's table keeps the event types as a JSON list; the row must stay readable as such.
    hook = webhooks.create(db, "https://a.example/", ["NAME_CHANGE", "VISIBILITY-UPDATE"], "", now=1.0)
    (text,) = db.execute("SELECT events FROM webhooks WHERE id = ?", (hook.id,))[0]
    assert json.loads(text) == ["NAME_CHANGE", "VISIBILITY-UPDATE"]
