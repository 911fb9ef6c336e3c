"""Reverse-proxy users: X-Forwarded-User names a new chat user for any client, and from a trusted
proxy, with chat_proxy_user_auth on, also authenticates it (one user across browsers), over real
HTTP and websockets."""

from __future__ import annotations

from typing import Any

import httpx

from tests.chat.conftest import chat_apart, chat_caught_up, set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import RunningServer, owncast
from tests.openapi import assert_valid

ADMIN = ("admin", "abc123")


async def admin_user(base: str, user_id: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=5, auth=ADMIN) as http:
        answer = await http.get(f"{base}/api/admin/users", params={"limit": 1000})
    assert answer.status_code == 200, answer.text
    assert_valid(answer.json(), "/api/admin/users")
    return next(u for u in answer.json()["results"] if u["id"] == user_id)


async def connected_user(base: str, token: str) -> dict[str, Any]:
    async with chat_client(base, user={"accessToken": token}) as client:
        return (await client.next("CONNECTED_USER_INFO"))["user"]


def unset(server: RunningServer, *keys: str) -> None:
    for key in keys:
        owncast("config", "unset", key, datadir=server.datadir, check=True)
    chat_caught_up(server.datadir)


async def test_any_client_names_but_does_not_authenticate(chat_server: RunningServer) -> None:
    """By default (loopback trusted, chat_proxy_user_auth off) the header only names the user."""
    base = chat_server.base_url
    alice = await register(base, headers={"X-Forwarded-User": "alice-proxy"})
    assert alice["displayName"] == "alice-proxy"
    again = await register(base, headers={"X-Forwarded-User": "alice-proxy"})
    assert again["id"] != alice["id"]  # no identity: a second, separate anonymous user
    user = await admin_user(base, alice["id"])
    assert user["authenticated"] is False and "authProviders" not in user
    # The body's displayName wins over the header.
    body = await register(base, "typed-name", headers={"X-Forwarded-User": "alice-proxy"})
    assert body["displayName"] == "typed-name"


async def test_trusted_proxy_authenticates_and_keeps_one_user(chat_server: RunningServer) -> None:
    base = chat_server.base_url
    set_config(chat_server, "chat_proxy_user_auth", "true")  # loopback is a trusted proxy by default
    try:
        first = await register(base, headers={"X-Forwarded-User": "bob@corp"})
        assert first["displayName"] == "bob@corp"
        user = await admin_user(base, first["id"])
        assert user["authenticated"] is True and user["authProviders"] == ["Proxy"]
        info = await connected_user(base, first["accessToken"])
        assert info["authenticated"] is True and info["authProviders"] == ["Proxy"]
        # Another browser behind the same proxy: the same user, a token of its own.
        second = await register(base, "other-name", headers={"X-Forwarded-User": "bob@corp"})
        assert second["id"] == first["id"] and second["displayName"] == "bob@corp"
        assert second["accessToken"] != first["accessToken"]
        assert (await connected_user(base, second["accessToken"]))["id"] == first["id"]
        # A trusted proxy's request without the header is an anonymous user.
        plain = await register(base)
        assert (await admin_user(base, plain["id"]))["authenticated"] is False
        # From an address that is not a trusted proxy, the same header makes a new anonymous user.
        set_config(chat_server, "trusted_proxies", "[]")
        stranger = await register(base, headers={"X-Forwarded-User": "bob@corp"})
        assert stranger["id"] != first["id"]
        assert (await admin_user(base, stranger["id"]))["authenticated"] is False
    finally:
        unset(chat_server, "trusted_proxies", "chat_proxy_user_auth")


async def test_chat_apart_trusts_the_hop_serve_saw() -> None:
    """With chat behind serve's own proxy (a Unix socket), the address serve was reached from
    decides; a client's own X-Forwarded-For cannot make it trusted."""
    with chat_apart() as (server, _chat):
        base = server.base_url
        set_config(server, "chat_proxy_user_auth", "true")
        set_config(server, "trusted_proxies", "[]")
        spoofed = await register(base, headers={"X-Forwarded-User": "mallory", "X-Forwarded-For": "10.9.9.9"})
        set_config(server, "trusted_proxies", '["10.9.9.9"]')
        spoofed2 = await register(base, headers={"X-Forwarded-User": "mallory", "X-Forwarded-For": "10.9.9.9"})
        for found in (spoofed, spoofed2):
            assert (await admin_user(base, found["id"]))["authenticated"] is False
        set_config(server, "trusted_proxies", '["127.0.0.1"]')
        trusted = await register(base, headers={"X-Forwarded-User": "carol"})
        assert (await admin_user(base, trusted["id"]))["authProviders"] == ["Proxy"]
