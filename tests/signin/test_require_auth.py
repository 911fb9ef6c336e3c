"""`require authentication` mode with signed-in users: anonymous users read only, authenticated
users send with Owncast's `authenticated` flag on their messages, and a viewer who signs in while
connected can send at once."""

from __future__ import annotations

import pytest
import trio

from tests.chat.conftest import set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer
from tests.signin.conftest import browser
from tests.signin.indieauth_peer import TLS, running_provider
from tests.signin.test_indieauth import sign_in

pytestmark = pytest.mark.e2e


async def test_only_authenticated_users_send(signin_server: RunningServer, tls: TLS) -> None:
    server = signin_server
    base = server.base_url
    set_config(server, "chat_require_authentication", "true")
    try:
        with trio.fail_after(30):
            proxied = await register(base, headers={"X-Forwarded-User": "dana"})  # from the trusted proxy
            anonymous = await register(base, "anon")
            async with chat_client(base, user=proxied) as dana, chat_client(base, user=anonymous) as anon, \
                    running_provider(tls) as provider, browser(tls) as web:
                assert (await dana.next("CONNECTED_USER_INFO"))["user"]["authenticated"] is True
                assert (await anon.next("CONNECTED_USER_INFO"))["user"]["authenticated"] is False
                await anon.chat("let me in")
                assert (await anon.next("CHAT_ACTION"))["body"] == \
                    "<p>Authentication is required to participate in chat.</p>"
                await dana.chat("hello all")
                for client in (dana, anon):
                    message = await client.next("CHAT")
                    assert message["body"] == "<p>hello all</p>"
                    assert message["user"]["authenticated"] is True
                    assert message["user"]["authProviders"] == ["Proxy"]
                await anon.nothing_of("CHAT", within=0.3)  # "let me in" was never sent

                # Signing in while connected: the open socket learns it, and sending works.
                assert (await sign_in(web, server, provider, anonymous)).status_code == 307
                info = (await anon.next("CONNECTED_USER_INFO"))["user"]
                assert info["authenticated"] is True and info["authProviders"] == ["IndieAuth"]
                await trio.sleep(0.7)  # Owncast's flood control: two frames within 2/3 s mute a client
                await anon.chat("signed in now")
                message = await dana.next("CHAT")
                assert message["body"] == "<p>signed in now</p>" and message["user"]["id"] == anonymous["id"]
    finally:
        set_config(server, "chat_require_authentication", "false")


async def test_authenticated_names_are_reserved(signin_server: RunningServer) -> None:
    base = signin_server.base_url
    with trio.fail_after(20):
        await register(base, headers={"X-Forwarded-User": "erin"})
        async with chat_client(base, "someone") as other:
            await other.next("CONNECTED_USER_INFO")
            await other.send(type="NAME_CHANGE", newName="erin")
            refusal = await other.next("CHAT_ACTION")
            assert "has already been registered" in refusal["body"]
