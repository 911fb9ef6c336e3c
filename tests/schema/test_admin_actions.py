"""Admin routes that change state other than config (moderation, users, tokens, webhooks, emoji,
images, disconnect, directory), with the admin's credentials, on the server for mutations.
"""

from __future__ import annotations

import pytest
from schemathesis import Case

from tests.conftest import RunningServer
from tests.schema.conftest import BASIC, bounded, call, load_schema

pytestmark = pytest.mark.e2e

actions = load_schema(lambda method, path: path.startswith("/admin") and not path.startswith("/admin/config/")
                      and method not in ("GET", "OPTIONS"))


@actions.parametrize()
@bounded()
def test_admin_action(case: Case, mutated_server: RunningServer) -> None:
    call(case, mutated_server, {"Authorization": BASIC})
