"""IndieAuth sign-in for chat users, against a local IndieAuth server over TLS (indieauth_peer.py),
through the real run-all: discovery, PKCE and state, the callback, linking and logging in."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import trio

from owncast_cli.chat.auth.indieauth import CALLBACK_FAILED
from tests.chat.conftest import set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer
from tests.signin.conftest import browser
from tests.signin.indieauth_peer import TLS, Provider, running_provider
from tests.signin.test_proxy_users import admin_user

pytestmark = pytest.mark.e2e


async def start(client: httpx.AsyncClient, server: RunningServer, token: str, auth_host: str) -> httpx.Response:
    return await client.post(f"{server.base_url}/api/auth/indieauth", params={"accessToken": token},
                             json={"authHost": auth_host})


async def authorize(client: httpx.AsyncClient, redirect: str) -> str:
    """The browser at the IndieAuth server, which approves at once: where it sends us back."""
    answer = await client.get(redirect)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


async def sign_in(client: httpx.AsyncClient, server: RunningServer, provider: Provider,
                  user: dict[str, Any]) -> httpx.Response:
    started = await start(client, server, user["accessToken"], provider.base_url)
    assert started.status_code == 200, started.text
    return await client.get(await authorize(client, started.json()["redirect"]))


async def test_sign_in_links_then_logs_in(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls) as provider, browser(tls) as first:
            user = await register(server.base_url, "webby")
            started = await start(first, server, user["accessToken"], provider.base_url.removeprefix("https://"))
            assert started.status_code == 200, started.text
            assert "owncast_signin" in started.headers["set-cookie"].lower()
            assert "httponly" in started.headers["set-cookie"].lower()
            redirect = urlsplit(started.json()["redirect"])
            query = {k: v[0] for k, v in parse_qs(redirect.query).items()}
            assert f"{redirect.scheme}://{redirect.netloc}{redirect.path}" == f"{provider.base_url}/auth"
            assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
            assert query["client_id"] == server.base_url + "/"
            assert query["redirect_uri"] == server.base_url + "/api/auth/indieauth/callback"
            assert query["me"] == provider.base_url + "/" and len(query["state"]) >= 32
            assert len(query["code_challenge"]) == 43
            done = await first.get(await authorize(first, started.json()["redirect"]))
            assert done.status_code == 307 and done.headers["location"] == "/"
            redeemed = provider.redemptions[-1]
            assert redeemed["grant_type"] == "authorization_code" and len(redeemed["code_verifier"]) >= 43
            found = await admin_user(server.base_url, user["id"])
            assert found["authenticated"] is True and found["authProviders"] == ["IndieAuth"]

            # Another browser, another anonymous user: the same identity logs it into "webby".
            async with browser(tls) as second, chat_client(server.base_url, "watcher") as watcher:
                await watcher.next("CONNECTED_USER_INFO")
                other = await register(server.base_url, "guest")
                done = await sign_in(second, server, provider, other)
                assert done.status_code == 307
                action = await watcher.next("CHAT_ACTION")
                assert action["body"] == "<p><strong>guest</strong> is now authenticated as <strong>webby</strong></p>"
                async with chat_client(server.base_url, user=other) as switched:
                    info = (await switched.next("CONNECTED_USER_INFO"))["user"]
                    assert info["id"] == user["id"] and info["displayName"] == "webby"
                    assert info["authenticated"] is True


async def test_wrong_state_fails_and_spends_the_request(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls) as provider, browser(tls) as client:
            user = await register(server.base_url)
            started = await start(client, server, user["accessToken"], provider.base_url)
            back = urlsplit(await authorize(client, started.json()["redirect"]))
            query = {k: v[0] for k, v in parse_qs(back.query).items()}
            wrong = await client.get(f"{server.base_url}{back.path}", params={**query, "state": query["state"][:-2] + "xx"})
            assert wrong.status_code == 400 and wrong.text == CALLBACK_FAILED
            again = await client.get(f"{server.base_url}{back.path}", params=query)
            assert again.status_code == 400  # single use: the right state is no good after a wrong one
            assert not provider.redemptions  # the code never reached the server
            assert (await admin_user(server.base_url, user["id"]))["authenticated"] is False


async def test_callback_from_another_browser_fails(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls) as provider, browser(tls) as victim, browser(tls) as attacker:
            user = await register(server.base_url)
            started = await start(attacker, server, user["accessToken"], provider.base_url)
            back = await authorize(attacker, started.json()["redirect"])
            # The attacker's finished link, opened by someone else: no session cookie, no sign-in.
            answer = await victim.get(back)
            assert answer.status_code == 400 and answer.text == CALLBACK_FAILED


async def test_code_with_another_verifier_is_refused(signin_server: RunningServer, tls: TLS) -> None:
    """A code issued to one sign-in, injected into another browser's callback: the server checks
    it against that browser's PKCE verifier and refuses it."""
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls) as provider, browser(tls) as one, browser(tls) as two:
            first, second = await register(server.base_url), await register(server.base_url)
            started_one = await start(one, server, first["accessToken"], provider.base_url)
            started_two = await start(two, server, second["accessToken"], provider.base_url)
            code_one = parse_qs(urlsplit(await authorize(one, started_one.json()["redirect"])).query)["code"][0]
            back_two = urlsplit(await authorize(two, started_two.json()["redirect"]))
            state_two = parse_qs(back_two.query)["state"][0]
            answer = await two.get(f"{server.base_url}{back_two.path}", params={"code": code_one, "state": state_two})
            assert answer.status_code == 400 and answer.text == CALLBACK_FAILED
            assert provider.redemptions[-1]["code"] == code_one
            for user in (first, second):
                assert (await admin_user(server.base_url, user["id"]))["authenticated"] is False


async def test_me_on_another_host_is_refused(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls, Provider(discovery="link")) as provider, browser(tls) as client:
            provider.me_override = provider.base_url.replace("127.0.0.1", "localhost") + "/"
            user = await register(server.base_url)
            answer = await sign_in(client, server, provider, user)
            assert answer.status_code == 400 and answer.text == CALLBACK_FAILED
            assert (await admin_user(server.base_url, user["id"]))["authenticated"] is False


async def test_metadata_discovery_and_issuer(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with running_provider(tls, Provider(discovery="metadata")) as provider, browser(tls) as client:
            # A callback whose iss is not the issuer the metadata named is refused.
            provider.issuer = "https://elsewhere.example/"
            impostor = await register(server.base_url)
            assert (await sign_in(client, server, provider, impostor)).status_code == 400
            assert not provider.redemptions
            provider.issuer = None
            user = await register(server.base_url)
            answer = await sign_in(client, server, provider, user)
            assert answer.status_code == 307
            assert (await admin_user(server.base_url, user["id"]))["authProviders"] == ["IndieAuth"]


async def test_provider_down(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with browser(tls) as client:
            user = await register(server.base_url)
            async with running_provider(tls) as provider:
                gone = provider.base_url
                started = await start(client, server, user["accessToken"], gone)
                redirect = started.json()["redirect"]
                back = await authorize(client, redirect)
            # Down before the start: a clear error, no redirect.
            refused = await start(client, server, user["accessToken"], gone)
            assert refused.status_code == 400 and refused.json()["success"] is False
            assert "could not reach 127.0.0.1" in refused.json()["message"]
            # Down at the code exchange: the callback fails.
            answer = await client.get(back)
            assert answer.status_code == 400 and answer.text == CALLBACK_FAILED
            assert (await admin_user(server.base_url, user["id"]))["authenticated"] is False


async def test_start_refusals(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    with trio.fail_after(30):
        async with browser(tls) as client:
            user = await register(server.base_url)
            unknown = await start(client, server, "not-a-token", "https://example.org/")
            assert unknown.status_code == 401
            for host, message in (("http://127.0.0.1/", "url must be https"), ("", "Enter the address")):
                answer = await start(client, server, user["accessToken"], host)
                assert answer.status_code == 400 and message in answer.json()["message"]
            set_config(server, "server_url", "")
            try:
                unset = await start(client, server, user["accessToken"], "https://example.org/")
                assert unset.status_code == 400
                assert unset.json()["message"] == "Owncast server URL must be set when using auth"
            finally:
                set_config(server, "server_url", server.base_url)
            # Starts from one address are rate limited (5 at once, then one per 12 s).
            limited = [await start(client, server, user["accessToken"], "") for _ in range(4)]
            assert [a.status_code for a in limited] == [400, 400, 429, 429]  # the 6th start is refused
            assert int(limited[-1].headers["retry-after"]) >= 1


async def test_guard_refuses_loopback_unless_allowed(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    set_config(server, "outbound_allowed_hosts", "[]")
    try:
        with trio.fail_after(30):
            async with running_provider(tls) as provider, browser(tls) as client:
                user = await register(server.base_url)
                answer = await start(client, server, user["accessToken"], provider.base_url)
                assert answer.status_code == 400
                assert "refused to connect to 127.0.0.1" in answer.json()["message"]
                assert not provider.authorization_requests
    finally:
        set_config(server, "outbound_allowed_hosts", '["127.0.0.1"]')
