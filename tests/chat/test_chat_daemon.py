"""The chat daemon end to end: real websocket clients against a running run-all."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess

import httpx
import pytest
import trio
from trio_websocket import ConnectionClosed, ConnectionRejected, open_websocket_url

from owncast_cli.bus.catalog import StreamStarted, StreamStopped
from owncast_cli.chat.sessions import WELCOME_DELAY_SECONDS
from tests.chat.conftest import publish, set_config
from tests.chat.wsclient import chat_client, register
from tests.conftest import OWNCAST, RunningServer, owncast
from tests.openapi import assert_valid


def ws_url(server: RunningServer, token: str | None) -> str:
    query = f"?accessToken={token}" if token is not None else ""
    return server.base_url.replace("http://", "ws://") + "/ws" + query


async def history(server: RunningServer, token: str) -> list[dict]:
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{server.base_url}/api/chat", params={"accessToken": token})
    assert response.status_code == 200, response.text
    assert_valid(response.json(), "/api/chat")
    return response.json()


async def test_register_names(chat_server: RunningServer) -> None:
    base = chat_server.base_url
    alice = await register(base, "alice")
    assert_valid(alice, "/api/chat/register", "post")
    assert alice["displayName"] == "alice" and alice["id"] and len(alice["accessToken"]) >= 32
    generated = await register(base)
    assert "-" in generated["displayName"]  # an adjective-noun phrase
    long = await register(base, "x" * 60)
    assert long["displayName"] == "x" * 30
    forbidden = await register(base, "the admin")
    assert forbidden["displayName"] != "the admin"
    # X-Forwarded-User counts only from a trusted proxy (loopback is one by default).
    honoured = await register(base, "body-name", headers={"X-Forwarded-User": "proxyuser"})
    assert honoured["displayName"] == "proxyuser"
    set_config(chat_server, "trusted_proxies", "[]")
    try:
        ignored = await register(base, headers={"X-Forwarded-User": "proxyuser"})
        assert ignored["displayName"] != "proxyuser"
    finally:
        owncast("config", "unset", "trusted_proxies", datadir=chat_server.datadir, check=True)
    async with httpx.AsyncClient(timeout=5) as http:
        # Owncast registers anyway when it cannot decode the body (a list, a number, not UTF-8).
        for body in (b"[1, 2]", b'{"displayName": 7}', b"\xff\xfe"):
            answer = await http.post(f"{base}/api/chat/register", content=body,
                                     headers={"Content-Type": "application/json"})
            assert answer.status_code == 200, (body, answer.text)
            assert answer.json()["displayName"] and answer.json()["accessToken"]


async def test_connect_join_welcome_and_chat(chat_server: RunningServer) -> None:
    set_config(chat_server, "server_welcome_message", "Welcome, **friend**!")
    try:
        async with chat_client(chat_server.base_url, "bob") as bob:
            info = await bob.next("CONNECTED_USER_INFO")
            assert info["user"]["displayName"] == "bob" and info["user"]["id"] == bob.user["id"]
            joined = await bob.next("USER_JOINED")
            assert joined["user"]["id"] == bob.user["id"]
            async with chat_client(chat_server.base_url, "carol") as carol:
                seen = await bob.next("USER_JOINED")
                assert seen["user"]["displayName"] == "carol"
                await carol.chat("hi **bob** :)")
                for client in (bob, carol):
                    message = await client.next("CHAT")
                    assert message["body"] == "<p>hi <strong>bob</strong> :)</p>"
                    assert message["user"]["displayName"] == "carol" and message["visible"] is True
                    assert {"id", "timestamp", "type", "user", "body", "visible"} <= set(message)
                past = await history(chat_server, bob.user["accessToken"])
                assert past[-1]["id"] == message["id"] and past[-1]["body"] == message["body"]
            # Owncast's delay (tests/chat/test_clock.py times it on a mock clock).
            welcome = await bob.next("SYSTEM", timeout=WELCOME_DELAY_SECONDS + 5)
            assert welcome["body"] == "<p>Welcome, <strong>friend</strong>!</p>"
    finally:
        set_config(chat_server, "server_welcome_message", "")


async def test_in_process_events_go_out_one_frame_each(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "batch") as client:
        # In serve's process each event is written to the socket at once: one frame each, in order.
        # (Chat running apart batches queued events with newlines: tests/chat/test_transport.py.)
        await client.next("USER_JOINED")
        assert [json.loads(frame)["type"] for frame in client.frames[:2]] == [
            "CONNECTED_USER_INFO", "USER_JOINED"]


async def test_bad_tokens(chat_server: RunningServer) -> None:
    with trio.fail_after(5):
        async with open_websocket_url(ws_url(chat_server, "not-a-token")) as ws:
            assert json.loads(await ws.get_message()) == {"type": "ERROR_NEEDS_REGISTRATION"}
            with pytest.raises(ConnectionClosed):
                await ws.get_message()
        async with open_websocket_url(ws_url(chat_server, None)) as ws:
            with pytest.raises(ConnectionClosed):
                await ws.get_message()
    async with httpx.AsyncClient(timeout=5) as http:
        response = await http.get(f"{chat_server.base_url}/api/chat", params={"accessToken": "nope"})
        assert response.status_code == 401 and response.text == "unauthorized"


HOSTILE = [
    ("<script>alert(1)</script>hello", "hello"),
    ("nested <b onmouseover=x>**bold <i>[y](data:text/html,z)</i>**</b>", "<p>nested <strong>bold y</strong></p>"),
    ("[x](javascript:alert(1))", "<p>x</p>"),
    ('<img src=x onerror="alert(1)">after', "<p>after</p>"),
    ("<a href=\"http://e.com\" onclick=\"steal()\">e</a>",
     '<p><a href="http://e.com" rel="nofollow noreferrer noopener" target="_blank">e</a></p>'),
    ("**[a](javascript:x)**", "<p><strong>a</strong></p>"),
    ('<img src="/img/emoji/../../admin.png" class="emoji">ok', "<p>ok</p>"),
    ('<img src="/img/emoji/x.png?y=1" class="emoji">ok', "<p>ok</p>"),
    ("<iframe src=http://e.com></iframe>", None),
    ("<svg onload=alert(1)>", None),
    ("<style>body{display:none}</style>", None),
]


async def test_hostile_inputs_come_out_inert(chat_server: RunningServer) -> None:
    set_config(chat_server, "chat_spam_protection_enabled", "false")
    try:
        async with chat_client(chat_server.base_url, "mallory") as client:
            for raw, expected in HOSTILE:
                await client.chat(raw)
                if expected is None:
                    continue  # empty once sanitised: dropped
                message = await client.next("CHAT")
                assert message["body"] == expected, raw
            await client.chat("end")
            assert (await client.next("CHAT"))["body"] == "<p>end</p>"  # nothing else got through
            assert not [e for e in client.events if e["type"] == "CHAT"]
    finally:
        set_config(chat_server, "chat_spam_protection_enabled", "true")


async def test_name_and_colour_change(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "dave") as dave, \
            chat_client(chat_server.base_url, "erin") as erin:
        await dave.next("CONNECTED_USER_INFO")
        await dave.send(type="NAME_CHANGE", newName="David")
        for client in (dave, erin):
            change = await client.next("NAME_CHANGE")
            assert change["oldName"] == "dave" and change["user"]["displayName"] == "David"
        info = await dave.next("CONNECTED_USER_INFO")
        assert info["user"]["displayName"] == "David" and "dave" in info["user"]["previousNames"]
        await trio.sleep(0.7)  # the flood limiter allows one event per 2/3 s
        await dave.send(type="NAME_CHANGE", newName="   ")
        refusal = await dave.next("CHAT_ACTION")
        assert "cannot be empty" in refusal["body"]
        assert (await dave.next("CONNECTED_USER_INFO"))["user"]["displayName"] == "David"
        await trio.sleep(0.7)
        await dave.send(type="NAME_CHANGE", newName="SystemOperator")
        assert "You cannot change your name" in (await dave.next("CHAT_ACTION"))["body"]
        assert (await dave.next("CONNECTED_USER_INFO"))["user"]["displayName"] == "David"
        await trio.sleep(0.7)
        await dave.send(type="COLOR_CHANGE", newColor=5)
        assert (await dave.next("CONNECTED_USER_INFO"))["user"]["displayColor"] == 5
        await trio.sleep(0.7)
        await dave.send(type="COLOR_CHANGE", newColor=99)
        await dave.nothing_of("CONNECTED_USER_INFO", "CHAT_ACTION")
        await erin.nothing_of("NAME_CHANGE")


async def test_flood_mute(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "flooder") as client:
        await client.chat("one")
        await client.chat("two")
        await client.chat("three")
        assert (await client.next("CHAT"))["body"] == "<p>one</p>"
        action = await client.next("CHAT_ACTION")
        assert "perceived flooding" in action["body"]
        await client.nothing_of("CHAT")


async def test_payload_limits(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "big") as client:
        await client.chat("x" * 2100)  # over 2048 bytes: dropped with a note
        assert "exceeded the maximum size" in (await client.next("CHAT_ACTION"))["body"]
        await client.nothing_of("CHAT", within=0.2)
        await client.chat("y" * 5000)  # over 4096: the socket is closed
        with pytest.raises(ConnectionClosed) as closed, trio.fail_after(5):
            while True:
                await client.ws.get_message()
        assert closed.value.reason.code == 1009


async def test_moderation_hide_and_disable(chat_server: RunningServer) -> None:
    # The troll comes through a reverse proxy on this host (trusted by default): its address is
    # the forwarded one, so banning it leaves the moderator, on the same proxy, connected.
    mod_user = await register(chat_server.base_url, "moddy")
    async with chat_client(chat_server.base_url, user=mod_user) as mod, \
            chat_client(chat_server.base_url, "troll", headers={"X-Forwarded-For": "203.0.113.9"}) as troll:
        await mod.next("CONNECTED_USER_INFO")
        token = mod_user["accessToken"]
        api = chat_server.base_url
        async with httpx.AsyncClient(timeout=5) as http:
            refused = await http.post(f"{api}/api/chat/messagevisibility", params={"accessToken": token},
                                      json={"idArray": [], "visible": False})
            assert refused.status_code == 401
            result = owncast("chat", "mod", mod_user["id"], datadir=chat_server.datadir, check=True)
            assert "is now a chat moderator" in result.stdout
            info = await mod.next("CONNECTED_USER_INFO")
            assert info["user"]["scopes"] == ["MODERATOR"]

            await troll.chat("buy my stuff")
            message = await mod.next("CHAT")
            hide = await http.post(f"{api}/api/chat/messagevisibility", params={"accessToken": token},
                                   json={"idArray": [message["id"]], "visible": False})
            assert hide.status_code == 200 and hide.json()["success"] is True
            update = await troll.next("VISIBILITY-UPDATE")
            assert update["ids"] == [message["id"]] and update["visible"] is False
            assert (await mod.next("VISIBILITY-UPDATE"))["ids"] == [message["id"]]
            assert message["id"] not in [m["id"] for m in await history(chat_server, token)]
            bad = await http.post(f"{api}/api/chat/messagevisibility", params={"accessToken": token},
                                  json={"idArray": "x"})
            assert bad.status_code == 400

            details = await http.get(f"{api}/api/moderation/chat/user/{troll.user['id']}",
                                     params={"accessToken": token})
            assert details.status_code == 200
            assert_valid(details.json(), "/api/moderation/chat/user/{userId}")
            assert details.json()["connectedClients"][0]["messageCount"] == 1
            assert "hiddenAt" in details.json()["messages"][0]  # Owncast's UserMessageEvent struct

            await trio.sleep(0.7)
            await troll.chat("second")
            second = await mod.next("CHAT")
            disable = await http.post(f"{api}/api/chat/users/setenabled", params={"accessToken": token},
                                      json={"userId": troll.user["id"], "enabled": False})
            assert disable.status_code == 200
            assert (await troll.next("ERROR_USER_DISABLED"))["type"] == "ERROR_USER_DISABLED"
            hidden = await mod.next("VISIBILITY-UPDATE")
            assert second["id"] in hidden["ids"]
            assert "has been removed from chat" in (await mod.next("CHAT_ACTION"))["body"]
            with pytest.raises(ConnectionClosed), trio.fail_after(5):
                while True:
                    await troll.ws.get_message()
            missing = await http.post(f"{api}/api/chat/users/setenabled", params={"accessToken": token},
                                      json={"userId": "nobody", "enabled": False})
            assert missing.status_code == 400
    # The troll's address is banned (403 before the upgrade); their token is refused.
    with trio.fail_after(5):
        with pytest.raises(ConnectionRejected) as rejected:
            async with open_websocket_url(ws_url(chat_server, mod_user["accessToken"]),
                                          extra_headers=[("X-Forwarded-For", "203.0.113.9")]):
                pass
        assert rejected.value.status_code == 403
        async with open_websocket_url(ws_url(chat_server, troll.user["accessToken"])) as ws:
            assert json.loads(await ws.get_message()) == {"type": "ERROR_USER_DISABLED"}


async def test_established_and_require_auth_modes(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "newbie") as client:
        set_config(chat_server, "chat_established_users_only_mode", "true")
        try:
            await client.chat("hello")
            assert "established chat participant" in (await client.next("CHAT_ACTION"))["body"]
            await client.nothing_of("CHAT", within=0.2)
        finally:
            set_config(chat_server, "chat_established_users_only_mode", "false")
        set_config(chat_server, "chat_require_authentication", "true")
        try:
            await trio.sleep(0.7)
            await client.chat("hello")
            assert "Authentication is required" in (await client.next("CHAT_ACTION"))["body"]
            # Moderators are exempt.
            owncast("chat", "mod", client.user["id"], datadir=chat_server.datadir, check=True)
            await client.next("CONNECTED_USER_INFO")
            await trio.sleep(0.7)
            await client.chat("as a mod")
            assert (await client.next("CHAT"))["body"] == "<p>as a mod</p>"
        finally:
            set_config(chat_server, "chat_require_authentication", "false")


async def test_chat_disabled_and_max_connections(chat_server: RunningServer) -> None:
    user = await register(chat_server.base_url, "gate")
    set_config(chat_server, "chat_disabled", "true")
    try:
        with pytest.raises(ConnectionRejected) as rejected, trio.fail_after(5):
            async with open_websocket_url(ws_url(chat_server, user["accessToken"])):
                pass
        assert rejected.value.body == b"CHAT_DISABLED"
    finally:
        set_config(chat_server, "chat_disabled", "false")
    async with chat_client(chat_server.base_url, user=user):
        set_config(chat_server, "chat_max_connections", "1")
        try:
            with pytest.raises(ConnectionRejected) as rejected, trio.fail_after(5):
                async with open_websocket_url(ws_url(chat_server, user["accessToken"])):
                    pass
            assert rejected.value.body == b"ERROR_MAX_CONNECTIONS_EXCEEDED"
        finally:
            set_config(chat_server, "chat_max_connections", "0")


async def test_stream_events_and_title_announced(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "viewer") as client:
        await client.next("CONNECTED_USER_INFO")
        publish(chat_server.datadir, StreamStarted("s1", True, True, "127.0.0.1:1", "2026-12-07T00:00:00Z", {}))
        starting = "<p>Stay tuned, the stream is <strong>starting</strong>!</p>"
        assert (await client.next("CHAT_ACTION"))["body"] == starting
        set_config(chat_server, "stream_title", "Night *coding*")
        assert (await client.next("CHAT_ACTION"))["body"] == \
            "<p>Stream title changed to <strong>Night *coding*</strong></p>"
        publish(chat_server.datadir, StreamStopped("s1", "test"))
        assert (await client.next("CHAT_ACTION"))["body"] == "<p>The stream is ending.</p>"


async def test_cli_send_and_tail(chat_server: RunningServer) -> None:
    tail = await trio.lowlevel.open_process(
        [*OWNCAST, "chat", "tail", "--datadir", str(chat_server.datadir)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        assert tail.stderr is not None
        said = b""
        with trio.fail_after(10):
            while b"following the chat" not in said:  # subscribed: nothing sent from now is missed
                chunk = await tail.stderr.receive_some(4096)
                assert chunk, said
                said += chunk
        async with chat_client(chat_server.base_url, "listener") as client:
            await client.next("CONNECTED_USER_INFO")
            owncast("chat", "send", "hello from **cli**", datadir=chat_server.datadir, check=True)
            message = await client.next("CHAT")
            assert message["body"] == "<p>hello from <strong>cli</strong></p>"
            assert message["user"]["isBot"] is True
            owncast("chat", "send", "--system", "maintenance at 5", datadir=chat_server.datadir, check=True)
            assert (await client.next("SYSTEM"))["body"] == "<p>maintenance at 5</p>"
        # The tail shows both as lines (it may also show users of earlier tests parting).
        out = b""
        assert tail.stdout is not None
        with trio.fail_after(10):
            while b"* maintenance at 5" not in out:
                chunk = await tail.stdout.receive_some(4096)
                assert chunk, out
                out += chunk
        assert re.search(r"^\d\d:\d\d:\d\d New Owncast Server: hello from cli$", out.decode(), re.M), out
    finally:
        tail.kill()
        await tail.wait()
    named = owncast("chat", "send", "--name", "   ", "beep", datadir=chat_server.datadir)
    assert named.returncode == 2 and "--name" in named.stderr
    empty = owncast("chat", "send", "  ", datadir=chat_server.datadir)
    assert empty.returncode == 2 and "empty" in empty.stderr
    unknown = owncast("chat", "mod", "no-such-user", datadir=chat_server.datadir)
    assert unknown.returncode == 1 and "no chat user" in unknown.stderr


async def test_chat_events_on_the_bus(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "busy") as client:
        await client.chat("to the bus")
        message = await client.next("CHAT")
    found: list[dict] = []
    with trio.fail_after(5):
        while not found:
            conn = sqlite3.connect(chat_server.datadir / "owncast.db")
            rows = conn.execute("SELECT data FROM events WHERE type = 'chat.message'").fetchall()
            conn.close()
            found = [json.loads(r[0]) for r in rows if json.loads(r[0])["id"] == message["id"]]
            await trio.sleep(0.05)
    assert found[0]["rawBody"] == "to the bus" and found[0]["body"] == "<p>to the bus</p>"
    assert isinstance(found[0]["clientId"], int)


async def test_part_after_delay_not_on_quick_reconnect(chat_server: RunningServer) -> None:
    async with chat_client(chat_server.base_url, "watcher") as watcher:
        await watcher.next("USER_JOINED")  # its own
        user = await register(chat_server.base_url, "leaver")
        async with chat_client(chat_server.base_url, user=user):
            assert (await watcher.next("USER_JOINED"))["user"]["displayName"] == "leaver"
        async with chat_client(chat_server.base_url, user=user):  # back within 10 s
            await watcher.nothing_of("USER_JOINED", "USER_PARTED", within=0.5, user_id=user["id"])
        began = trio.current_time()
        with trio.fail_after(15):
            while (await watcher.next("USER_PARTED", timeout=15))["user"]["id"] != user["id"]:
                pass  # users of earlier tests on this server part too
        assert 9 <= trio.current_time() - began <= 12


async def test_history_survives_a_restart(datadir) -> None:
    from tests.conftest import start_run_all

    running = start_run_all(datadir)
    try:
        running.wait_ready()
        user = await register(running.base_url, "keeper")
        async with chat_client(running.base_url, user=user) as client:
            await client.chat("remember me")
            sent = await client.next("CHAT")
        assert running.stop() == 0  # SIGTERM: queued chat events are written before exit
        running = start_run_all(datadir)
        running.wait_ready()
        past = await history(running, user["accessToken"])
        assert [m["id"] for m in past if m["type"] == "CHAT"] == [sent["id"]]
        assert past[-1]["body"] == "<p>remember me</p>" and past[-1]["user"]["displayName"] == "keeper"
    finally:
        running.stop()
