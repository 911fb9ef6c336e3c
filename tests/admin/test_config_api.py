"""Every config setter: Owncast's paths and answers, the same validators as the CLI, read back both ways."""

from __future__ import annotations

import json

import httpx
import pytest

from owncast_cli.config.keys import KEYS, Kind
from owncast_cli.serve.admin.config_setters import SETTERS
from tests.conftest import RunningServer, owncast
from tests.openapi import assert_valid, spec

#: setter path -> (value sent, value stored) for a change away from the default.
SAMPLES: dict[str, tuple[object, object]] = {
    "adminpass": ("abc123", None),  # stored hashed: checked separately
    "streamkeys": ([{"key": "k3y-one", "comment": "OBS"}, {"key": "abc123", "comment": "old"}],
                   [{"key": "k3y-one", "comment": "OBS"}, {"key": "abc123", "comment": "old"}]),
    "pagecontent": ("# About\n\nHello", "# About\n\nHello"),
    "streamtitle": ("Speedrun night", "Speedrun night"),
    "name": ("My Stream", "My Stream"),
    "serversummary": ("Games and chat", "Games and chat"),
    "offlinemessage": ("  back *soon*  ", "back *soon*"),
    "welcomemessage": (" hi! ", "hi!"),
    "chat/disable": (True, True),
    "chat/joinmessagesenabled": (False, False),
    "chat/establishedusermode": (True, True),
    "chat/forbiddenusernames": ([{"value": "Mod"}, "root"], ["mod", "root"]),
    "chat/suggestedusernames": (["alpha", "beta"], ["alpha", "beta"]),
    "chat/spamprotectionenabled": (False, False),
    "chat/slurfilterenabled": (True, True),
    "chat/requireauthentication": (True, True),
    "video/codec": ("h264_vaapi", "h264_vaapi"),
    "video/streamlatencylevel": (4.0, 4),
    "video/streamoutputvariants": ([{"videoBitrate": 800, "framerate": 30, "cpuUsageLevel": 1}],
                                   [{"videoBitrate": 800, "framerate": 30, "cpuUsageLevel": 1}]),
    "appearance": ({"theme-color-palette-0": "#ff0000"}, {"theme-color-palette-0": "#ff0000"}),
    "tags": ([{"value": "#music"}, "games"], ["music", "games"]),
    "ffmpegpath": ("", ""),
    "webserverport": (8081, 8081),
    "webserverip": ("127.0.0.1", "127.0.0.1"),
    "rtmpserverport": (1936.0, 1936),
    "rtmpserverbindaddress": ("127.0.0.1", "127.0.0.1"),
    "sockethostoverride": ("wss://chat.example.com", "wss://chat.example.com"),
    "videoservingendpoint": ("https://cdn.example.com/", "https://cdn.example.com"),
    "nsfw": (True, True),
    "autoplay": ("always", "always"),
    "directoryenabled": (True, True),
    "socialhandles": ([{"platform": "mastodon", "url": "https://example.social/@me"}],
                      [{"platform": "mastodon", "url": "https://example.social/@me"}]),
    "s3": ({"enabled": False, "bucket": "b"}, {"enabled": False, "bucket": "b"}),
    "serverurl": ("https://live.example.com/", "https://live.example.com"),
    "externalactions": ([{"title": "Donate", "url": "https://example.com/d"}],
                        [{"title": "Donate", "url": "https://example.com/d"}]),
    "customstyles": ("body { color: red }", "body { color: red }"),
    "customjavascript": ("console.log(1)", "console.log(1)"),
    "hideviewercount": (True, True),
    "disablesearchindexing": (True, True),
    "federation/enable": (True, True),
    "federation/private": (True, True),
    "federation/showengagement": (False, False),
    "federation/enablequotes": (False, False),
    "federation/hidefollowers": (True, True),
    "federation/username": ("live", "live"),
    "federation/livemessage": ("On air", "On air"),
    "federation/blockdomains": ([{"value": "Bad.Example"}], ["bad.example"]),
    "notifications/discord": ({"enabled": True, "webhook": "https://discord.example/hook", "goLiveMessage": "live"},
                              {"enabled": True, "webhook": "https://discord.example/hook", "goLiveMessage": "live"}),
    "notifications/browser": ({"enabled": False, "goLiveMessage": "x"}, {"enabled": False, "goLiveMessage": "x"}),
    "notifications/apprise": ([{"url": " ntfy://ntfy.sh/otters "}],
                              [{"url": "ntfy://ntfy.sh/otters", "goLiveMessage": ""}]),
}

#: setter path -> (a refused value, words the message must contain).
REFUSED: dict[str, tuple[object, str]] = {
    "name": ("", "non-empty"),
    "streamkeys": ([], "must provide at least one valid stream key"),
    "video/streamlatencylevel": (-1, "latency level"),
    "video/codec": ("h265", "one of"),
    "webserverport": (70000, "Port number must be between 1 and 65535"),
    "webserverip": ("not-an-ip", "IP address"),
    "chat/disable": ("yes", "true or false"),
    "serverurl": ("http://192.168.1.10", "Server URL cannot be private"),
    "s3": ({"enabled": True}, "endpoint"),
    "socialhandles": ([{"platform": "x", "url": "ftp://x"}], "http"),
    "ffmpegpath": ("/nonexistent/ffmpeg", "ffmpeg"),
    "autoplay": ("sometimes", "invalid autoplay value"),
}


def cli_get(server: RunningServer, key: str) -> object:
    """What ``owncast config get`` prints, parsed."""
    result = owncast("config", "get", key, datadir=server.datadir, check=True)
    text = result.stdout.removesuffix("\n")
    return text if KEYS[key].kind is Kind.STRING else json.loads(text)


def stored(server: RunningServer, key: str) -> object:
    """The stored value, read with the same code as the CLI (no subprocess: many setters to check)."""
    from owncast_cli.config import ConfigStore
    from owncast_cli.db import open_database

    db = open_database(server.datadir / "owncast.db", check=False)
    try:
        return ConfigStore(db).get(key)
    finally:
        db.close()


def test_every_spec_setter_is_served() -> None:
    served = set(SETTERS) | {"logo", "favicon"}
    spec_setters = {p.removeprefix("/admin/config/") for p in spec()["paths"] if p.startswith("/admin/config/")}
    assert spec_setters - served == {"schedule/enabled", "schedule/remindermessage"} & spec_setters
    assert set(SAMPLES) == set(SETTERS)


@pytest.mark.parametrize("path", sorted(SETTERS))
def test_setter_stores_through_the_config_table(path: str, admin_server: RunningServer, admin: httpx.Client) -> None:
    setter = SETTERS[path]
    sent, expected = SAMPLES[path]
    before = stored(admin_server, setter.key)
    response = admin.post(f"/api/admin/config/{path}", json={"value": sent})
    assert response.status_code == 200, response.text
    if f"/admin/config/{path}" in spec()["paths"]:  # ours (notifications/apprise) are not in Owncast's
        assert_valid(response.json(), f"/api/admin/config/{path}", "post")
    body = response.json()
    assert body["success"] is True
    assert body["message"].endswith("takes effect after restart") == (not KEYS[setter.key].live)
    try:
        if expected is not None:
            assert stored(admin_server, setter.key) == expected
    finally:
        if setter.key != "admin_password_key":
            # Back through the API, so the daemons hear of it on the bus.
            assert admin.post(f"/api/admin/config/{path}", json={"value": before}).status_code == 200
    if setter.key == "admin_password_key":
        import bcrypt

        assert bcrypt.checkpw(b"abc123", str(stored(admin_server, setter.key)).encode())
    else:
        assert stored(admin_server, setter.key) == before


@pytest.mark.parametrize("path", sorted(REFUSED))
def test_setter_refuses_bad_values(path: str, admin_server: RunningServer, admin: httpx.Client) -> None:
    key = SETTERS[path].key
    before = stored(admin_server, key)
    value, words = REFUSED[path]
    response = admin.post(f"/api/admin/config/{path}", json={"value": value})
    assert response.status_code == 400, response.text
    assert_valid(response.json(), f"/api/admin/config/{path}", "post", 400)
    assert response.json()["success"] is False and words in response.json()["message"]
    assert stored(admin_server, key) == before  # nothing written


def test_malformed_bodies(admin: httpx.Client) -> None:
    for content in (b"", b"not json", b"[1, 2]", b'{"other": 1}'):
        response = admin.post("/api/admin/config/name", content=content,
                              headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and response.json()["success"] is False, content
        assert "value" in response.json()["message"]


def test_cli_and_api_agree(admin_server: RunningServer, admin: httpx.Client) -> None:
    owncast("config", "set", "server_name", "Set by the CLI", datadir=admin_server.datadir, check=True)
    owncast("config", "set", "video_latency_level", "1", datadir=admin_server.datadir, check=True)
    try:
        config = admin.get("/api/admin/serverconfig").json()
        assert_valid(config, "/api/admin/serverconfig")
        assert config["instanceDetails"]["name"] == "Set by the CLI"
        assert config["videoSettings"]["latencyLevel"] == 1
        assert admin.post("/api/admin/config/name", json={"value": "Set by the API"}).status_code == 200
        assert cli_get(admin_server, "server_name") == "Set by the API"
        assert admin.get("/api/admin/serverconfig").json()["instanceDetails"]["name"] == "Set by the API"
        # The public page config follows at once (serve's live copy, fed by the bus).
        assert httpx.get(f"{admin_server.base_url}/api/config").json()["name"] == "Set by the API"
    finally:
        owncast("config", "unset", "server_name", datadir=admin_server.datadir, check=True)
        owncast("config", "unset", "video_latency_level", datadir=admin_server.datadir, check=True)


def test_serverconfig_shape(admin_server: RunningServer, admin: httpx.Client) -> None:
    config = admin.get("/api/admin/serverconfig").json()
    assert_valid(config, "/api/admin/serverconfig")
    assert config["streamKeys"] == [{"key": "abc123", "comment": "Default stream key"}]
    assert config["streamKeyOverridden"] is False
    assert "libx264" in config["supportedCodecs"]  # from the transcoder's ffmpeg
    assert config["adminPassword"].startswith("$2")
    assert config["yp"] == {"enabled": False, "instanceUrl": ""}
    assert set(config["federation"]) >= {"enabled", "isPrivate", "username", "blockedDomains"}
