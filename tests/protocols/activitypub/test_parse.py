"""Tolerant reading of incoming activities: every compacted shape servers send."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.protocols.activitypub.parse import ActivityError, activity, iri, origin, remote_actor, types

ACTOR = "https://m.example/users/alice"


@pytest.mark.parametrize("value", [
    "https://x/1", {"id": "https://x/1"}, [{"id": "https://x/1"}, "https://x/2"], ["https://x/1"],
    {"@id": "https://x/1"}, {"type": "Link", "href": "https://x/1"},
])
def test_iri_of_every_shape(value: object) -> None:
    assert iri(value) == "https://x/1"


def test_types_drop_prefixes_and_accept_arrays() -> None:
    assert types({"type": ["as:Follow", "Other"]}) == ["Follow", "Other"]
    assert types({"@type": "https://www.w3.org/ns/activitystreams#Like"}) == ["Like"]
    assert types("Follow") == []


def test_embedded_and_referenced_objects() -> None:
    embedded = activity({"id": "a", "type": "Undo", "actor": {"id": ACTOR},
                         "object": {"id": "f", "type": "Follow", "actor": ACTOR}})
    assert embedded.actor == ACTOR and embedded.object_iri == "f" and embedded.object_type == "Follow"
    referenced = activity({"type": ["Like"], "actor": [ACTOR], "object": "https://s/federation/1"})
    assert referenced.object is None and referenced.object_iri == "https://s/federation/1" and referenced.id == ""


@pytest.mark.parametrize("doc", [[], {"actor": ACTOR}, {"type": "Follow"}, {"type": "Follow", "actor": "alice"}])
def test_not_activities(doc: object) -> None:
    with pytest.raises(ActivityError):
        activity(doc)


def test_remote_actor_with_shared_inbox_and_key() -> None:
    found = remote_actor({"id": ACTOR, "type": "Person", "inbox": ACTOR + "/inbox", "preferredUsername": "alice",
                          "name": "", "icon": {"type": "Image", "url": "https://m.example/a.png"},
                          "endpoints": {"sharedInbox": "https://m.example/inbox"},
                          "publicKey": {"id": ACTOR + "#main-key", "owner": ACTOR, "publicKeyPem": "P"}})
    assert found.username == "alice@m.example" and found.name == "alice"
    assert found.shared_inbox == "https://m.example/inbox" and found.image == "https://m.example/a.png"
    assert found.key_id == ACTOR + "#main-key" and found.public_key_pem == "P"


def test_origin_is_scheme_and_host() -> None:
    assert origin("HTTPS://M.example:443/users/a") == "https://m.example:443"
    assert origin("/relative") == ""


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=3)
                    | st.dictionaries(st.sampled_from(["id", "type", "actor", "object", "inbox"]), children,
                                      max_size=5), max_leaves=15))
def test_any_json_is_read_or_refused_cleanly(doc: object) -> None:
    for read in (activity, remote_actor):
        try:
            read(doc)
        except ActivityError:
            pass
