"""Fixtures for the admin API tests: one run-all per module, an authenticated HTTP client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import RunningServer, fresh_datadir, serving, start_run_all

ADMIN = ("admin", "abc123")


@pytest.fixture(scope="module")
def admin_server() -> Iterator[RunningServer]:
    """One run-all shared by a module's tests (tests restore what they change)."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


@pytest.fixture
def admin(admin_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=admin_server.base_url, auth=ADMIN, timeout=10) as client:
        yield client
