"""Fediverse sign-in through the real run-all: the account is looked up by WebFinger (a local
server over TLS), the code goes out as a `fediverse.direct_message_requested` bus event for
federate to send, and the right code links or logs in; wrong codes, attempt limits, slowing."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import trio
from quart import jsonify, request
from quart_trio import QuartTrio

from owncast_cli.chat.auth.otp import CODE_REFUSED
from tests.chat.conftest import set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer
from tests.signin.conftest import browser
from tests.signin.indieauth_peer import TLS, serving_tls
from tests.signin.test_proxy_users import admin_user

pytestmark = pytest.mark.e2e


def webfinger_app() -> QuartTrio:
    """A fediverse server's WebFinger (RFC 7033): alice and bob are actors, "page" is not."""
    app = QuartTrio("webfinger-peer")

    @app.get("/.well-known/webfinger")
    async def webfinger() -> Any:
        resource = request.args.get("resource", "")
        user = resource.removeprefix("acct:").partition("@")[0]
        if user not in ("alice", "bob", "page"):
            return jsonify({"error": "not found"}), 404
        links = [{"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": f"https://x/{user}"}]
        if user != "page":
            links.append({"rel": "self", "type": "application/activity+json", "href": f"https://x/users/{user}"})
        return jsonify({"subject": resource, "links": links}), 200, {"Content-Type": "application/jrd+json"}

    return app


@asynccontextmanager
async def fediverse_host(tls: TLS) -> AsyncIterator[str]:
    """The host:port of a running WebFinger server."""
    async with serving_tls(webfinger_app(), tls) as base_url:
        yield base_url.removeprefix("https://")


async def request_code(client: httpx.AsyncClient, server: RunningServer, token: str, account: str) -> httpx.Response:
    return await client.post(f"{server.base_url}/api/auth/fediverse", params={"accessToken": token},
                             json={"account": account})


async def verify(client: httpx.AsyncClient, server: RunningServer, token: str, code: str) -> httpx.Response:
    return await client.post(f"{server.base_url}/api/auth/fediverse/verify", params={"accessToken": token},
                             json={"code": code})


def direct_messages(server: RunningServer, account: str) -> list[str]:
    conn = sqlite3.connect(server.datadir / "owncast.db")
    try:
        rows = conn.execute("SELECT data FROM events WHERE type = 'fediverse.direct_message_requested' ORDER BY id")
        return [d["text"] for d in (json.loads(row[0]) for row in rows) if d["account"] == account]
    finally:
        conn.close()


def code_sent(server: RunningServer, account: str, count: int = 1, timeout: float = 5) -> str:
    """The code of the ``count``-th message to ``account`` (waits for the outbox to commit it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = direct_messages(server, account)
        if len(sent) >= count:
            found = re.fullmatch(r"One-time code from New Owncast Server: (\d{6})\. If you did not "
                                 r"request this message please ignore or block\.", sent[count - 1])
            assert found, sent[count - 1]
            return found.group(1)
        time.sleep(0.02)
    raise AssertionError(f"no code for {account} on the bus")


async def test_code_links_then_logs_in(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with fediverse_host(tls) as host, browser(tls) as client:
            account = f"alice@{host}"
            user = await register(server.base_url, "alice-chat")
            answer = await request_code(client, server, user["accessToken"], f"@{account.upper()}")
            assert answer.status_code == 200 and answer.json() == {"success": True, "message": ""}
            code = code_sent(server, account)
            # Asking again while that code is good sends nothing new.
            assert (await request_code(client, server, user["accessToken"], f"@{account}")).status_code == 200
            assert len(direct_messages(server, account)) == 1
            wrong = await verify(client, server, user["accessToken"], "000000" if code != "000000" else "111111")
            assert wrong.status_code == 400 and wrong.json() == {"success": False, "message": CODE_REFUSED}
            done = await verify(client, server, user["accessToken"], code)
            assert done.status_code == 200 and done.json()["success"] is True
            found = await admin_user(server.base_url, user["id"])
            assert found["authenticated"] is True and found["authProviders"] == ["Fediverse"]
            assert (await verify(client, server, user["accessToken"], code)).status_code == 400  # spent

            # Another browser signs in with the same account: it becomes "alice-chat".
            async with chat_client(server.base_url, "watcher") as watcher:
                await watcher.next("CONNECTED_USER_INFO")
                other = await register(server.base_url, "newcomer")
                assert (await request_code(client, server, other["accessToken"], account)).status_code == 200
                second = code_sent(server, account, count=2)
                assert (await verify(client, server, other["accessToken"], second)).status_code == 200
                action = await watcher.next("CHAT_ACTION")
                assert action["body"] == "<p><strong>newcomer</strong> is now authenticated as <strong>alice-chat</strong></p>"
            async with chat_client(server.base_url, user=other) as switched:
                assert (await switched.next("CONNECTED_USER_INFO"))["user"]["id"] == user["id"]


async def test_attempts_are_limited(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with fediverse_host(tls) as host, browser(tls) as client:
            account = f"bob@{host}"
            user = await register(server.base_url)
            await request_code(client, server, user["accessToken"], account)
            code = code_sent(server, account)
            wrong = f"{(int(code) + 1) % 1_000_000:06d}"
            for _ in range(5):
                assert (await verify(client, server, user["accessToken"], wrong)).status_code == 400
            # Five wrong tries kill the code: the right one is refused now, with the same message.
            dead = await verify(client, server, user["accessToken"], code)
            assert dead.status_code == 400 and dead.json()["message"] == CODE_REFUSED
            assert (await admin_user(server.base_url, user["id"]))["authenticated"] is False
            # A new code is sent on request; past 10 checks from one address they are slowed.
            await request_code(client, server, user["accessToken"], account)
            assert code_sent(server, account, count=2) != ""
            answers = [await verify(client, server, user["accessToken"], wrong) for _ in range(5)]
            assert answers[-1].status_code == 429 and int(answers[-1].headers["retry-after"]) >= 1


async def test_accounts_that_are_not_accounts(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with fediverse_host(tls) as host, browser(tls) as client:
            user = await register(server.base_url)
            for account, message in ((f"page@{host}", "is not a fediverse account"),
                                     (f"nobody@{host}", "is not a fediverse account"),
                                     ("not an account", "Enter your fediverse account")):
                answer = await request_code(client, server, user["accessToken"], account)
                assert answer.status_code == 400 and message in answer.json()["message"], answer.text
            assert (await request_code(client, server, "bad-token", f"alice@{host}")).status_code == 401
            assert not direct_messages(server, f"page@{host}")
            set_config(server, "federation_enabled", "false")
            try:
                off = await request_code(client, server, user["accessToken"], f"alice@{host}")
                assert off.status_code == 400 and "federation is not enabled" in off.json()["message"]
            finally:
                set_config(server, "federation_enabled", "true")
