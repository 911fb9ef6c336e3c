"""Public and chat routes (no credentials) against the spec."""

from __future__ import annotations

import pytest
from schemathesis import Case

from tests.conftest import RunningServer
from tests.schema.conftest import bounded, call, load_schema

pytestmark = pytest.mark.e2e

public = load_schema(lambda method, path: not path.startswith(("/admin", "/integrations")))


@public.parametrize()
@bounded()
def test_public(case: Case, api_server: RunningServer) -> None:
    call(case, api_server)
