"""Integration routes with a bearer token of each scope, and without one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from schemathesis import Case

from tests.conftest import RunningServer
from tests.schema.conftest import REFUSED_EXAMPLES, admin_client, bounded, call, load_schema

pytestmark = pytest.mark.e2e

#: The scope each integration route needs (Owncast's integrations handlers).
NEEDS = {
    "/integrations/chat/send": "CAN_SEND_MESSAGES",
    "/integrations/chat/user": "CAN_SEND_MESSAGES",
    "/integrations/chat/system": "CAN_SEND_SYSTEM_MESSAGES",
    "/integrations/chat/system/client/{clientId}": "CAN_SEND_SYSTEM_MESSAGES",
    "/integrations/chat/action": "CAN_SEND_SYSTEM_MESSAGES",
    "/integrations/chat/messagevisibility": "HAS_ADMIN_ACCESS",
    "/integrations/chat": "HAS_ADMIN_ACCESS",
    "/integrations/clients": "HAS_ADMIN_ACCESS",
    "/integrations/moderation/chat/user/{userId}": "HAS_ADMIN_ACCESS",
    "/integrations/status": "HAS_ADMIN_ACCESS",
    "/integrations/streamtitle": "HAS_ADMIN_ACCESS",
}
SCOPES = ("CAN_SEND_MESSAGES", "CAN_SEND_SYSTEM_MESSAGES", "HAS_ADMIN_ACCESS")

integrations = load_schema(lambda method, path: path.startswith("/integrations"))


@pytest.fixture(scope="module")
def tokens(api_server: RunningServer) -> Iterator[dict[str, str]]:
    """One access token per scope."""
    found = {}
    with admin_client(api_server) as client:
        for scope in SCOPES:
            response = client.post("/api/admin/accesstokens/create", json={"name": scope.lower(), "scopes": [scope]})
            assert response.status_code == 200, response.text
            found[scope] = response.json()["accessToken"]
    yield found


def test_every_route_has_a_scope() -> None:
    assert {op.path for op in (result.ok() for result in integrations.get_all_operations())} == set(NEEDS)


@integrations.parametrize()
@bounded()
def test_integration(case: Case, api_server: RunningServer, tokens: dict[str, str]) -> None:
    """With a token of the scope the route needs."""
    call(case, api_server, {"Authorization": f"Bearer {tokens[NEEDS[case.path]]}"})


@pytest.mark.parametrize("scope", [None, *SCOPES])
@integrations.parametrize()
@bounded(REFUSED_EXAMPLES)
def test_integration_refused(case: Case, api_server: RunningServer, tokens: dict[str, str],
                             scope: str | None) -> None:
    """Without a token, or with one of another scope: 401 (preflights need none)."""
    if scope == NEEDS[case.path]:
        return  # test_integration covers it
    headers = {"Authorization": f"Bearer {tokens[scope]}"} if scope else {}
    response = call(case, api_server, headers, key=str(scope))
    if response is not None and case.method != "OPTIONS":
        assert response.status_code == 401, response.text
