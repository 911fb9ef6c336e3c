"""Every admin config setter answers with Owncast's exact texts (webserver/handlers/admin/config.go,
appearance.go, federation.go, notifications.go)."""

from __future__ import annotations

import httpx
import pytest

from owncast_cli.config.keys import KEYS
from owncast_cli.serve.admin.config_setters import SETTERS
from tests.parity.conftest import body_text, simple

pytestmark = pytest.mark.e2e

RESTART = "; takes effect after restart"

#: Path -> (a value Owncast and we take, Owncast's success message). Read from the Go handlers.
ACCEPTED = {
    "chat/disable": (False, "chat disabled status updated"),
    "chat/joinmessagesenabled": (True, "chat join message status updated"),
    "chat/establishedusermode": (False, "chat established users only mode updated"),
    "chat/forbiddenusernames": (["owncast", "admin"], "forbidden username list updated"),
    "chat/suggestedusernames": ([], "suggested username list updated"),
    "chat/spamprotectionenabled": (True, "chat spam protection changed"),
    "chat/slurfilterenabled": (False, "chat message slur filter changed"),
    "chat/requireauthentication": (False, "chat authentication requirement changed"),
    "video/codec": ("libx264", "video codec updated"),
    "video/streamlatencylevel": (2, "set stream latency"),
    "video/streamoutputvariants": ([{"videoBitrate": 1200, "framerate": 24}], "stream output variants updated"),
    "appearance": ({}, "custom appearance variables updated"),
    "tags": ([{"value": "owncast"}], "changed"),
    "sockethostoverride": ("", "websocket host override set"),
    "videoservingendpoint": ("", "custom video serving endpoint updated"),
    "directoryenabled": (False, "directory state changed"),
    "socialhandles": ([], "social handles updated"),
    "s3": ({"enabled": False}, "storage configuration changed"),
    "externalactions": ([], "external actions update"),
    "customstyles": ("", "custom styles updated"),
    "customjavascript": ("", "custom styles updated"),
    "hideviewercount": (False, "hide viewer count setting updated"),
    "disablesearchindexing": (False, "search indexing support updated"),
    "federation/enable": (False, "federation features saved"),
    "federation/private": (False, "federation private saved"),
    "federation/showengagement": (True, "federation show engagement saved"),
    "federation/username": ("streamer", "username saved"),
    "federation/livemessage": ("I've gone live!", "message saved"),
    "federation/blockdomains": ([], "saved"),
    "notifications/discord": ({"enabled": False, "webhook": "", "goLiveMessage": ""},
                              "updated discord config with provided values"),
    "notifications/browser": ({"enabled": False, "goLiveMessage": "I've gone live!"},
                              "updated browser push config with provided values"),
    "webserverport": (8080, "HTTP port set"),
    "rtmpserverport": (1935, "rtmp port set"),
    "serverurl": ("https://parity.example", "server url set"),
}

#: Path -> Owncast's answer to a body it cannot decode (the rest say "unable to parse new value").
UNPARSABLE = {
    "streamkeys": "unable to update stream keys with provided values",
    "tags": "unable to parse array of values",
    "federation/blockdomains": "unable to parse array of values",
    "socialhandles": "unable to update social handles with provided values",
    "s3": "unable to update s3 config with provided values",
    "externalactions": "unable to update external actions with provided values",
    "chat/forbiddenusernames": "unable to update forbidden usernames with provided values",
    "chat/suggestedusernames": "unable to update suggested usernames with provided values",
    "appearance": "unable to update appearance variable values",
    "video/streamoutputvariants": "unable to update video config with provided values",
    "notifications/discord": "unable to update discord config with provided values",
    "notifications/browser": "unable to update browser push config with provided values",
}


def _expected(path: str, message: str) -> str:
    return message + ("" if KEYS[SETTERS[path].key].live else RESTART)


@pytest.mark.parametrize("path", sorted(ACCEPTED))
def test_setter_success_message(admin: httpx.Client, path: str) -> None:
    value, message = ACCEPTED[path]
    response = admin.post(f"/api/admin/config/{path}", json={"value": value})
    assert response.status_code == 200, response.text
    assert body_text(response) == simple(True, _expected(path, message))


@pytest.mark.parametrize("path", sorted(SETTERS))
def test_setter_refuses_an_undecodable_body_with_owncasts_text(admin: httpx.Client, path: str) -> None:
    response = admin.post(f"/api/admin/config/{path}", content=b"{not json",
                          headers={"Content-Type": "application/json"})  # else 415 before the setter
    assert response.status_code == 400
    assert body_text(response) == simple(False, UNPARSABLE.get(path, "unable to parse new value"))


@pytest.mark.parametrize(("path", "value", "message"), [
    ("streamkeys", [], "must provide at least one valid stream key"),
    ("streamkeys", [{"key": "", "comment": "x"}], "stream key cannot be empty"),
    ("webserverport", "8080", "Invalid type or value, port must be a number"),
    ("webserverport", 70000, "Port number must be between 1 and 65535"),
    ("webserverip", 1, "Invalid type or value, IP address must be a string"),
    ("webserverip", "nowhere", "Invalid IP address"),
    ("serverurl", 5, "could not read server url"),
    ("serverurl", "example.com", "server url value invalid"),
    ("serverurl", "http://192.168.1.5", "Server URL cannot be private"),
    ("autoplay", "bogus", "invalid autoplay value"),
    ("autoplay", True, "invalid autoplay value"),
    ("s3", {"enabled": True}, "s3 support requires an endpoint"),
    ("s3", {"enabled": True, "endpoint": "https://s3.example"}, "s3 support requires an access key and secret"),
    ("s3", {"enabled": True, "endpoint": "https://s3.example", "accessKey": "a", "secret": "s"},
     "s3 support requires a region and endpoint"),
    ("s3", {"enabled": True, "endpoint": "https://s3.example", "accessKey": "a", "secret": "s", "region": "r"},
     "s3 support requires a bucket created for storing public video segments"),
])
def test_owncasts_own_refusals(admin: httpx.Client, path: str, value: object, message: str) -> None:
    """The checks Owncast's handlers make themselves, answered with their texts."""
    response = admin.post(f"/api/admin/config/{path}", json={"value": value})
    assert (response.status_code, body_text(response)) == (400, simple(False, message))


def test_a_missing_value_says_so(admin: httpx.Client) -> None:
    response = admin.post("/api/admin/config/appearance", json={})
    assert (response.status_code, body_text(response)) == (400, simple(False, "value field is required"))
