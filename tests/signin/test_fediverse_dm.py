"""Fediverse sign-in end to end with the federate daemon: the code arrives at a remote server's
inbox as a direct message, and entering it signs the viewer in."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
import trio
from quart import jsonify, request
from quart_trio import QuartTrio

from tests.chat.conftest import set_config
from tests.chat.wsclient import register
from tests.conftest import RunningServer
from tests.signin.conftest import browser
from tests.signin.indieauth_peer import TLS, serving_tls
from tests.signin.test_fediverse import request_code, verify
from tests.signin.test_proxy_users import admin_user

pytestmark = pytest.mark.e2e


@dataclass
class Remote:
    """A fediverse server with one actor, carol: WebFinger, her actor document, her inbox."""

    base: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    arrived: trio.Event = field(default_factory=trio.Event)

    def app(self) -> QuartTrio:
        app = QuartTrio("fediverse-remote")
        actor = lambda: f"{self.base}/users/carol"  # noqa: E731

        @app.get("/.well-known/webfinger")
        async def webfinger() -> Any:
            return jsonify({"subject": request.args.get("resource", ""), "links": [
                {"rel": "self", "type": "application/activity+json", "href": actor()}]})

        @app.get("/users/carol")
        async def person() -> Any:
            return jsonify({"@context": "https://www.w3.org/ns/activitystreams", "id": actor(), "type": "Person",
                            "preferredUsername": "carol", "inbox": actor() + "/inbox", "url": actor()}), \
                200, {"Content-Type": "application/activity+json"}

        @app.post("/users/carol/inbox")
        async def inbox() -> Any:
            self.received.append(json.loads(await request.get_data()))
            self.arrived.set()
            return "", 202

        return app


async def test_the_code_arrives_as_a_direct_message(signin_server: RunningServer, tls: TLS) -> None:
    server, remote = signin_server, Remote()
    # By name: federate speaks plain http to a literal loopback address (its own test peers),
    # while sign-in and this server speak https only.
    set_config(server, "outbound_allowed_hosts", '["127.0.0.1", "localhost"]')
    try:
        with trio.fail_after(60):
            async with serving_tls(remote.app(), tls) as served, browser(tls) as client:
                base = remote.base = served.replace("127.0.0.1", "localhost")
                account = f"carol@{base.removeprefix('https://')}"
                user = await register(server.base_url, "carol-chat")
                assert (await request_code(client, server, user["accessToken"], "@" + account)).status_code == 200
                await remote.arrived.wait()
                create = remote.received[0]
                note = create["object"]
                assert create["type"] == "Create" and note["type"] == "Note"
                assert note["to"] == [f"{base}/users/carol"]  # to carol only: a direct message
                assert "https://www.w3.org/ns/activitystreams#Public" not in json.dumps(create)
                code = re.search(r"One-time code from New Owncast Server: (\d{6})\.", note["content"])
                assert code, note["content"]
                done = await verify(client, server, user["accessToken"], code.group(1))
                assert done.status_code == 200, done.text
                found = await admin_user(server.base_url, user["id"])
                assert found["authenticated"] is True and found["authProviders"] == ["Fediverse"]
    finally:
        set_config(server, "outbound_allowed_hosts", '["127.0.0.1"]')
