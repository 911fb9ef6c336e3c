"""Discovery documents, the actor and our activities: Owncast's shapes and the specs' schemas."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from owncast_cli.protocols.activitypub import activities, documents
from owncast_cli.protocols.activitypub.actor import AS_PUBLIC, Profile, actor

SCHEMA = json.loads((Path(__file__).parent / "nodeinfo-2.0.schema.json").read_text())
URL = "https://stream.example"
PROFILE = Profile(server_url=URL, username="streamer", name="My stream", summary="hi", logo_uniqueness="u1",
                  tags=("music", "owncast"), social_handles=(("mastodon", "https://m.example/@me"),),
                  private=False, published="2026-01-01T00:00:00Z", public_key_pem="PEM")


@pytest.mark.parametrize(("resource", "status"), [
    ("acct:streamer@stream.example", 200),
    ("acct:streamer@STREAM.example", 200),
    ("acct:other@stream.example", 404),
    ("acct:streamer@elsewhere.example", 501),
    ("streamer@stream.example", 400),
    ("xacct:streamer@stream.example", 400),
    ("acct:streamer", 400),
    ("acct:a@b@stream.example", 400),
    ("", 400),
])
def test_webfinger_answers_as_owncast(resource: str, status: int) -> None:
    assert documents.webfinger_status(resource, "streamer", URL) == status


def test_webfinger_document() -> None:
    doc = documents.webfinger("streamer", URL + "/")
    assert doc["subject"] == "acct:streamer@stream.example"
    assert doc["links"][0] == {"rel": "self", "type": "application/activity+json",
                               "href": "https://stream.example/federation/user/streamer"}


def test_a_port_is_part_of_the_webfinger_host() -> None:
    assert documents.webfinger_status("acct:s@stream.example:8443", "s", "https://stream.example:8443") == 200


def test_nodeinfo_is_valid_nodeinfo_2_0() -> None:
    doc = documents.nodeinfo("0.2.3", 7, True)
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    assert doc["usage"]["localPosts"] == 7 and doc["metadata"] == {"chat_enabled": True}
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict: Owncast's "Owncast" fails it
        jsonschema.Draft4Validator(SCHEMA).validate({**doc, "software": {"name": "Owncast", "version": "1"}})


def test_host_meta_is_xrd_with_the_webfinger_template() -> None:
    root = ElementTree.fromstring(documents.host_meta('https://x.example/"a'))
    link = root.find("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    assert link is not None and link.get("rel") == "lrdd"
    assert link.get("template") == 'https://x.example/"a/.well-known/webfinger?resource={uri}'


def test_actor_is_owncasts_service() -> None:
    doc = actor(PROFILE)
    assert doc["type"] == "Service" and doc["id"] == doc["url"] == URL + "/federation/user/streamer"
    assert doc["inbox"].endswith("/inbox") and doc["followers"].endswith("/followers")
    assert doc["icon"]["url"] == URL + "/logo/external?uc=u1"
    assert [t["name"] for t in doc["tag"]] == ["#music", "#owncast"]
    assert [a["name"] for a in doc["attachment"]] == ["Stream", "mastodon"]
    assert 'rel="me nofollow noopener noreferrer"' in doc["attachment"][1]["value"]
    assert doc["publicKey"] == {"id": doc["id"] + "#main-key", "owner": doc["id"], "publicKeyPem": "PEM"}
    assert "https://w3id.org/security/v1" in doc["@context"]


def test_notes_are_public_or_followers_only_in_private_mode() -> None:
    note = activities.note(PROFILE, URL + "/federation/1", "<p>x</p>", "2026-01-01T00:00:00Z", tags=["a"],
                           image=URL + "/preview.gif?us=1", sensitive=True)
    assert note["to"] == [AS_PUBLIC] and note["cc"] == [PROFILE.followers]
    assert note["attachment"][0]["mediaType"] == "image/gif" and note["sensitive"] is True
    private = Profile(**{**PROFILE.__dict__, "private": True})
    assert activities.note(private, "i", "c", "p")["to"] == [private.followers]
    create = activities.create(PROFILE, URL + "/federation/2", note)
    assert create["object"] is note and create["to"] == note["to"]


def test_collection_pages_link_onwards_only_when_more_remain() -> None:
    assert "next" in activities.collection_page("c", 1, [], 51, 50)
    assert "next" not in activities.collection_page("c", 2, [], 51, 50)
    assert activities.ordered_collection("c", 3)["first"] == "c?page=1"
