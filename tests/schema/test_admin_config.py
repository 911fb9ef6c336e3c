"""Every admin config setter with the admin's credentials, on the server for mutations."""

from __future__ import annotations

import base64

import pytest
from schemathesis import Case

from tests.conftest import RunningServer
from tests.schema.conftest import ADMIN, BASIC, admin_client, bounded, call, load_schema

pytestmark = pytest.mark.e2e

setters = load_schema(lambda method, path: path.startswith("/admin/config/") and method != "OPTIONS")


def _restore_password(server: RunningServer, case: Case, status: int) -> None:
    """A new admin password must not lock the next examples out: put the default back."""
    if case.path != "/admin/config/adminpass" or status != 200:
        return
    new = str(case.body["value"])
    token = base64.b64encode(f"admin:{new}".encode()).decode()
    with admin_client(server) as client:
        client.auth = None
        response = client.post("/api/admin/config/adminpass", json={"value": ADMIN[1]},
                               headers={"Authorization": f"Basic {token}"})
        assert response.status_code == 200, response.text


@setters.parametrize()
@bounded()
def test_admin_config(case: Case, mutated_server: RunningServer) -> None:
    response = call(case, mutated_server, {"Authorization": BASIC})
    if response is not None:
        _restore_password(mutated_server, case, response.status_code)
