"""The inbox against a remote peer that signs with its own code: follow, like, boost, undo,
profile updates, deletes; idempotence; and every refusal (each logged)."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import httpx
import trio
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import RunningServer, owncast
from tests.federate.conftest import SERVER_URL, configure, engagement_events, inbox_url, now, query, wait_until
from tests.federate.peer import Peer

OUR_ACTOR = f"{SERVER_URL}/federation/user/streamer"
ADMIN = ("admin", "abc123")


def follow(peer: Peer, actor: str = "alice") -> dict[str, Any]:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{peer.actor_iri(actor)}#follow-{uuid.uuid4()}",
            "type": "Follow", "actor": peer.actor_iri(actor), "object": OUR_ACTOR}


async def admin_get(server: RunningServer, path: str) -> Any:
    async with httpx.AsyncClient(auth=ADMIN) as client:
        response = await client.get(server.base_url + path)
        assert response.status_code == 200, response.text
        return response.json()


async def test_follow_is_accepted_announced_and_listed(fed_server: RunningServer, peer: Peer) -> None:
    with trio.fail_after(30):
        activity = follow(peer)
        response = await peer.send(inbox_url(fed_server), activity)
        assert response.status_code == 202
        (accept,) = await peer.wait_for(1)
        assert accept.verified, "httpsig could not verify our signature"
        assert accept.path == "/users/alice/inbox"
        assert accept.body["type"] == "Accept" and accept.body["actor"] == OUR_ACTOR
        assert accept.body["object"]["id"] == activity["id"]
        followers = await admin_get(fed_server, "/api/admin/followers")
        assert list(followers) == ["total", "results"]
        assert [f["link"] for f in followers["results"]] == [peer.actor_iri()]
        assert followers["results"][0]["username"] == f"alice@{peer.base.removeprefix('http://').split(':')[0]}"
        async with httpx.AsyncClient() as client:
            public = (await client.get(fed_server.base_url + "/api/followers")).json()
            assert public["total"] == 1 and public["results"][0]["name"] == "Alice"
            collection = (await client.get(fed_server.base_url + "/federation/user/streamer/followers?page=1",
                                           headers={"Accept": "application/activity+json"})).json()
            assert collection["orderedItems"] == [peer.actor_iri()]
        events = await wait_until(lambda: engagement_events(fed_server.datadir))
        assert events[-1]["kind"] == "follow" and events[-1]["body"] == "Alice followed this stream."
        shown = await wait_until(lambda: query(fed_server.datadir, "SELECT data FROM events "
                                               "WHERE type = 'chat.fediverse_engagement'"))
        line = json.loads(shown[0][0])  # chat shows it (federation_show_engagement is on by default)
        assert line["type"] == "FEDIVERSE_ENGAGEMENT_FOLLOW" and line["body"] == "Alice followed this stream."
        assert line["link"] == peer.actor_iri() and line["title"].startswith("alice@")
        actions = await admin_get(fed_server, "/api/admin/federation/actions")
        assert actions["results"][0]["type"] == "FOLLOW" and actions["results"][0]["actorIRI"] == peer.actor_iri()

        # Like and boost our post: announced once each, listed, and deduplicated by activity id.
        async with httpx.AsyncClient(auth=ADMIN) as client:
            sent = await client.post(fed_server.base_url + "/api/admin/federation/send",
                                     json={"value": "Hello **fediverse** #music"})
            assert sent.json() == {"success": True, "message": "sent"}
        create = (await peer.wait_for(2))[1]
        assert create.verified and create.path == "/inbox" and create.body["type"] == "Create"
        note = create.body["object"]
        assert "<strong>fediverse</strong>" in note["content"] and note["tag"][0]["name"] == "#music"
        like = {"id": peer.actor_iri() + "#like-1", "type": "Like", "actor": peer.actor_iri(), "object": note["id"]}
        for _ in range(2):
            assert (await peer.send(inbox_url(fed_server), like)).status_code == 202
        boost = {"id": peer.actor_iri() + "#boost-1", "type": "Announce", "actor": {"id": peer.actor_iri()},
                 "object": [note["id"]]}
        assert (await peer.send(inbox_url(fed_server), boost)).status_code == 202
        await wait_until(lambda: len(engagement_events(fed_server.datadir)) >= 3)
        bodies = [e["body"] for e in engagement_events(fed_server.datadir)]
        assert bodies[-2:] == ["Alice liked a post from New Owncast Server.",
                               "Alice shared a post from New Owncast Server."]
        types = [a["type"] for a in (await admin_get(fed_server, "/api/admin/federation/actions"))["results"]]
        assert sorted(types) == ["FOLLOW", "LIKE", "REPOST"]
        async with httpx.AsyncClient() as client:
            obj = await client.get(note["id"].replace(SERVER_URL, fed_server.base_url),
                                   headers={"Accept": "application/activity+json"})
            assert obj.status_code == 200 and obj.json()["content"] == note["content"]
            page = await client.get(note["id"].replace(SERVER_URL, fed_server.base_url))
            assert page.status_code == 307 and page.headers["location"] == "/"

        # The profile changes, then the account goes: an Update refreshes it, Undo and Delete remove it.
        peer.names["alice"] = "<b>Alice</b> B."
        update = {"id": peer.actor_iri() + "#update-1", "type": "Update", "actor": peer.actor_iri(),
                  "object": peer.actor("alice")}
        assert (await peer.send(inbox_url(fed_server), update)).status_code == 202
        await wait_until(lambda: query(fed_server.datadir, "SELECT 1 FROM ap_followers WHERE name = 'Alice B.'"))
        undo = {"id": peer.actor_iri() + "#undo-1", "type": "Undo", "actor": peer.actor_iri(), "object": activity}
        assert (await peer.send(inbox_url(fed_server), undo)).status_code == 202
        await wait_until(lambda: not query(fed_server.datadir, "SELECT 1 FROM ap_followers"))
        assert (await peer.send(inbox_url(fed_server), follow(peer))).status_code == 202
        await wait_until(lambda: query(fed_server.datadir, "SELECT 1 FROM ap_followers"))
        delete = {"id": peer.actor_iri() + "#delete", "type": "Delete", "actor": peer.actor_iri(),
                  "object": peer.actor_iri()}
        assert (await peer.send(inbox_url(fed_server), delete)).status_code == 202
        await wait_until(lambda: not query(fed_server.datadir, "SELECT 1 FROM ap_followers"))


async def test_private_mode_queues_follows_for_the_admin(fed_server: RunningServer, peer: Peer) -> None:
    configure(fed_server.datadir, federation_private=True)
    try:
        with trio.fail_after(30):
            assert (await peer.send(inbox_url(fed_server), follow(peer, "bob"))).status_code == 202
            pending = await wait_until(lambda: query(fed_server.datadir,
                                                     "SELECT iri FROM ap_followers WHERE approved_at IS NULL"))
            assert pending == [(peer.actor_iri("bob"),)]
            assert (await admin_get(fed_server, "/api/admin/followers/pending"))[0]["link"] == peer.actor_iri("bob")
            assert not peer.received
            listed = owncast("followers", "list", "--pending", "--json", datadir=fed_server.datadir, check=True)
            assert json.loads(listed.stdout)[0]["link"] == peer.actor_iri("bob")
            owncast("followers", "approve", peer.actor_iri("bob"), datadir=fed_server.datadir, check=True)
            (accept,) = await peer.wait_for(1, timeout=15)
            assert accept.body["type"] == "Accept" and accept.verified
            async with httpx.AsyncClient(auth=ADMIN) as client:
                rejected = await client.post(fed_server.base_url + "/api/admin/followers/approve",
                                             json={"actorIRI": peer.actor_iri("bob"), "approved": False})
                assert rejected.json() == {"success": True, "message": "follower updated"}
                missing = await client.post(fed_server.base_url + "/api/admin/followers/approve",
                                            json={"actorIRI": "https://nobody.example/u", "approved": True})
                assert missing.status_code == 400 and "no follow request" in missing.json()["message"]
            blocked = await peer.send(inbox_url(fed_server), follow(peer, "bob"))
            assert blocked.status_code == 403 and "is blocked" in blocked.text
            owncast("followers", "remove", peer.actor_iri("bob"), datadir=fed_server.datadir, check=True)
    finally:
        configure(fed_server.datadir, federation_private=False)


async def test_refusals(fed_server: RunningServer, peer: Peer) -> None:
    url = inbox_url(fed_server)
    body = json.dumps(follow(peer, "carol")).encode()
    async with httpx.AsyncClient() as client:
        with trio.fail_after(30):
            unsigned = await client.post(url, content=body)
            assert unsigned.status_code == 401 and unsigned.text == "the request is not signed"

            headers = peer.signed_post_headers(url, body, actor="carol")
            tampered = await client.post(url, content=body.replace(b"carol", b"mallory"), headers=headers)
            assert tampered.status_code == 401 and "Digest header does not match" in tampered.text

            stale = await client.post(url, content=body, headers=peer.signed_post_headers(
                url, body, actor="carol", date=now() - 7200))
            assert stale.status_code == 401 and "outside the 3600 s window" in stale.text

            other_key = rsa.generate_private_key(65537, 2048)
            wrong = await client.post(url, content=body, headers=peer.signed_post_headers(
                url, body, actor="carol", key=other_key))
            assert wrong.status_code == 401 and "does not verify" in wrong.text

            # A key from another origin signing for carol: the key verifies, the origin does not match.
            other = Peer(our_actor_url=peer.our_actor_url)
            async with trio.open_nursery() as nursery:
                await nursery.start(other.run)
                foreign = await client.post(url, content=body, headers=peer.signed_post_headers(
                    url, body, key=other.key, key_id=other.actor_iri("eve") + "#main-key"))
                nursery.cancel_scope.cancel()
            assert foreign.status_code == 401 and "another origin" in foreign.text

            configure(fed_server.datadir, federation_blocked_domains=["127.0.0"])
            try:
                async def refused() -> bool:
                    response = await client.post(url, content=body, headers=peer.signed_post_headers(
                        url, body, actor="carol"))
                    return response.status_code == 403 and "is a blocked domain (127.0.0)" in response.text

                while not await refused():  # the daemon reads the new list on its next request
                    await trio.sleep(0.05)
            finally:
                configure(fed_server.datadir, federation_blocked_domains=[])
    assert not query(fed_server.datadir, "SELECT 1 FROM ap_followers WHERE iri LIKE '%carol'")
    log = fed_server.log.read_text()
    for reason in ("the request is not signed", "Digest header does not match", "outside the 3600 s window",
                   "does not verify", "another origin", "is a blocked domain"):
        assert re.search(rf"inbox refused a request from 127\.0\.0\.1: .*{re.escape(reason)}", log), reason


async def test_duplicate_activity_ids_are_handled_once(fed_server: RunningServer, peer: Peer) -> None:
    activity = follow(peer, "dave")
    with trio.fail_after(30):
        for _ in range(3):
            assert (await peer.send(inbox_url(fed_server), activity)).status_code == 202
        await peer.wait_for(1)
        await wait_until(lambda: query(fed_server.datadir, "SELECT COUNT(*) FROM ap_inbox_queue WHERE done_at IS NULL")
                         == [(0,)])
        rows = query(fed_server.datadir, "SELECT COUNT(*) FROM ap_inbox_queue WHERE activity_id = ?", activity["id"])
        assert rows == [(1,)]
        assert [r.body["type"] for r in peer.received] == ["Accept"]
    owncast("followers", "remove", peer.actor_iri("dave"), datadir=fed_server.datadir, check=True)


async def test_direct_messages_go_to_the_account_only(fed_server: RunningServer, peer: Peer) -> None:
    from owncast_cli.bus import log
    from owncast_cli.bus.catalog import FediverseDirectMessageRequested
    from owncast_cli.bus.push import push_sync
    from owncast_cli.db import open_database

    account = f"erin@{peer.base.removeprefix('http://')}"
    db = open_database(fed_server.datadir / "owncast.db")
    try:
        events = db.write(lambda: log.append(db, [FediverseDirectMessageRequested(account, "Your code is 123456")],
                                             "test"))
        push_sync(fed_server.datadir / "run", events)
    finally:
        db.close()
    (dm,) = await peer.wait_for(1)
    note = dm.body["object"]
    assert dm.verified and dm.path == "/users/erin/inbox" and note["to"] == [peer.actor_iri("erin")]
    assert note["cc"] == [] and note["tag"] == [{"type": "Mention", "href": peer.actor_iri("erin"), "name": "@" + account}]
    assert "Your code is 123456" in note["content"]
    assert not query(fed_server.datadir, "SELECT 1 FROM ap_outbox WHERE value LIKE '%123456%'"), "DMs are not public"


async def test_chat_hides_engagement_when_told_to(fed_server: RunningServer, peer: Peer) -> None:
    from tests.chat.conftest import chat_caught_up

    configure(fed_server.datadir, federation_show_engagement=False)
    try:
        with trio.fail_after(30):
            assert (await peer.send(inbox_url(fed_server), follow(peer, "frank"))).status_code == 202
            await wait_until(lambda: [e for e in engagement_events(fed_server.datadir)
                                      if e["actorIri"] == peer.actor_iri("frank")])
            await trio.to_thread.run_sync(chat_caught_up, fed_server.datadir)
        shown = query(fed_server.datadir, "SELECT data FROM events WHERE type = 'chat.fediverse_engagement'")
        assert not [row for row in shown if "frank" in row[0]]
    finally:
        configure(fed_server.datadir, federation_show_engagement=True)
        owncast("followers", "remove", peer.actor_iri("frank"), datadir=fed_server.datadir, check=True)
