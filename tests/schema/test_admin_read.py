"""Admin routes that only read, with the admin's credentials; every admin route without them."""

from __future__ import annotations

import pytest
import yaml
from schemathesis import Case

from tests.conftest import RunningServer
from tests.openapi import SPEC_PATH
from tests.schema.conftest import BASIC, NOT_SERVED, REFUSED_EXAMPLES, admin_client, bounded, call, load_schema

pytestmark = pytest.mark.e2e

# Preflights (OPTIONS) are answered before credentials are looked at: the run without them covers them.
reads = load_schema(lambda method, path: path.startswith("/admin") and method == "GET")
everything = load_schema(lambda method, path: path.startswith("/admin"))


@reads.parametrize()
@bounded()
def test_admin_read(case: Case, api_server: RunningServer) -> None:
    call(case, api_server, {"Authorization": BASIC})


@everything.parametrize()
@bounded(REFUSED_EXAMPLES)
def test_admin_without_credentials(case: Case, api_server: RunningServer) -> None:
    response = call(case, api_server, key="anonymous")
    if response is not None and case.method != "OPTIONS":
        assert response.status_code == 401, response.text


def test_routes_listed_as_not_served_are_not(api_server: RunningServer) -> None:
    """NOT_SERVED stays true: once a feature is built, its routes must leave the list and be fuzzed."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    with admin_client(api_server) as client:
        for path in NOT_SERVED:
            for method in set(spec["paths"][path]) & {"get", "post", "put", "delete"}:
                url = "/api" + path.replace("{id}", "1")
                body = {"json": {}} if method == "post" else {}  # admin POSTs must be JSON (else 415)
                response = client.request(method.upper(), url, **body)
                assert response.status_code in (404, 405), f"{method.upper()} {path}: {response.status_code}"
