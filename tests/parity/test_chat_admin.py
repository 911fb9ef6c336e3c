"""Chat moderation, users and access tokens (Owncast webserver/handlers/admin/{chat,users,
externalAPIUsers}.go): status per failure, message texts, field and scope order."""

from __future__ import annotations

import httpx
import pytest

from tests.parity.conftest import body_text, eventually, keys, simple

pytestmark = pytest.mark.e2e


def _register(client: httpx.Client, name: str) -> dict[str, str]:
    response = client.post("/api/chat/register", json={"displayName": name})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_access_token_scopes_come_back_in_the_order_sent(admin: httpx.Client) -> None:
    scopes = ["HAS_ADMIN_ACCESS", "CAN_SEND_SYSTEM_MESSAGES", "CAN_SEND_MESSAGES"]
    created = admin.post("/api/admin/accesstokens/create", json={"name": "ordered", "scopes": scopes})
    assert created.status_code == 200, created.text
    assert created.json()["scopes"] == scopes
    # models.ExternalAPIUser's field order; Owncast leaves "type" unset, so it is omitted.
    assert keys(created) == ["createdAt", "id", "accessToken", "displayName", "scopes", "displayColor", "isBot"]
    listed = [t for t in admin.get("/api/admin/accesstokens").json() if t["accessToken"] == created.json()["accessToken"]]
    assert listed[0]["scopes"] == scopes
    admin.post("/api/admin/accesstokens/delete", json={"token": created.json()["accessToken"]})


@pytest.mark.parametrize(("body", "error"), [
    ({"name": "x"}, "scopes field is required"),
    ({"scopes": ["CAN_SEND_MESSAGES"]}, "name field is required"),
    ({"name": "x", "scopes": ["CAN_SEND_MESSAGES", "ROOT"]}, "one or more invalid scopes provided"),
])
def test_access_token_create_refusals(admin: httpx.Client, body: dict[str, object], error: str) -> None:
    """BadRequestHandler: 400 with {"error": ...}, not the success/message shape."""
    response = admin.post("/api/admin/accesstokens/create", json=body)
    assert response.status_code == 400 and response.json() == {"error": error}


@pytest.mark.parametrize(("body", "error"), [
    ({}, "token field is required"),
    ({"token": ""}, "must provide a token"),
    ({"token": "not-a-token"}, "not-a-token not found"),
])
def test_access_token_delete_refusals(admin: httpx.Client, body: dict[str, object], error: str) -> None:
    response = admin.post("/api/admin/accesstokens/delete", json=body)
    assert response.status_code == 400 and response.json() == {"error": error}


def test_deleting_an_unknown_user_is_400(admin: httpx.Client) -> None:
    response = admin.post("/api/admin/users/delete", json={"userId": "no-such-user"})
    assert response.status_code == 400
    assert body_text(response) == simple(False, "user not found")
    assert body_text(admin.post("/api/admin/users/delete", json={})) == simple(False, "must provide userId")


def test_user_moderation_messages(admin: httpx.Client, anonymous: httpx.Client) -> None:
    user = _register(anonymous, "parity-mod")
    uid = user["id"]
    assert keys(anonymous.post("/api/chat/register", json={})) == ["id", "accessToken", "displayName"]
    cases = [
        ("/api/admin/chat/users/setmoderator", {"userId": uid, "isModerator": True}, 200, f"{uid} is moderator: true"),
        ("/api/admin/chat/users/setmoderator", {"userId": uid, "isModerator": False}, 200, f"{uid} is moderator: false"),
        ("/api/admin/chat/users/setmoderator", {"userId": "nobody", "isModerator": True}, 400,
         "user not found when modifying scope"),
        ("/api/admin/chat/users/setenabled", {"userId": uid, "enabled": False}, 200, f"{uid} enabled: false"),
        ("/api/admin/chat/users/setenabled", {"userId": uid, "enabled": True}, 200, f"{uid} enabled: true"),
        ("/api/admin/chat/users/setenabled", {"userId": uid}, 400, "must provide userId and enabled state"),
        ("/api/admin/chat/messagevisibility", {"idArray": ["x"], "visible": False}, 200, "changed"),
        ("/api/admin/chat/messagevisibility", {"visible": False}, 400,
         "missing required fields: idArray and visible are required"),
        ("/api/admin/chat/users/ipbans/create", {"value": "192.0.2.77"}, 200, "IP address banned"),
        ("/api/admin/chat/users/ipbans/remove", {"value": "192.0.2.77"}, 200, "IP address unbanned"),
        # Owncast's RemoveIPAddressBan deletes nothing without an error: still 200.
        ("/api/admin/chat/users/ipbans/remove", {"value": "192.0.2.77"}, 200, "IP address unbanned"),
    ]
    for path, body, status, message in cases:
        response = admin.post(path, json=body)
        assert (response.status_code, body_text(response)) == (status, simple(status == 200, message)), path


def test_moderator_routes_share_the_admin_answers(admin: httpx.Client, anonymous: httpx.Client) -> None:
    """/api/chat/* for moderators runs Owncast's admin handlers: the same texts."""
    moderator, target = _register(anonymous, "parity-boss"), _register(anonymous, "parity-target")
    admin.post("/api/admin/chat/users/setmoderator", json={"userId": moderator["id"], "isModerator": True})
    token = {"accessToken": moderator["accessToken"]}
    # The new right reaches chat's user cache over the bus, a moment after the admin's answer.
    changed = simple(True, "changed")
    hide = lambda: body_text(anonymous.post("/api/chat/messagevisibility", params=token,  # noqa: E731
                                            json={"idArray": [], "visible": True}))
    assert eventually(hide, changed) == changed
    enabled = anonymous.post("/api/chat/users/setenabled", params=token, json={"userId": target["id"], "enabled": True})
    assert body_text(enabled) == simple(True, f"{target['id']} enabled: true")
    missing = anonymous.get("/api/moderation/chat/user/nobody", params=token)
    assert missing.status_code == 404


def test_disabled_users_in_the_order_they_were_disabled(admin: httpx.Client, anonymous: httpx.Client) -> None:
    """GetDisabledUsers sorts by DisabledAt (users are listed by creation elsewhere)."""
    first, second = _register(anonymous, "parity-early"), _register(anonymous, "parity-late")
    for user in (second, first):  # the later one is disabled first
        assert admin.post("/api/admin/chat/users/setenabled", json={"userId": user["id"], "enabled": False}).is_success
    try:
        listed = [u["id"] for u in admin.get("/api/admin/chat/users/disabled").json()]
        assert [i for i in listed if i in (first["id"], second["id"])] == [second["id"], first["id"]]
    finally:
        for user in (first, second):
            admin.post("/api/admin/chat/users/setenabled", json={"userId": user["id"], "enabled": True})
