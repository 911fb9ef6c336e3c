"""Fixtures for the parity tests: one real run-all per module and clients speaking to it over HTTP.

Each test pins one answer of Owncast's (read in its Go source; tests/parity/TABLE.md names the
file and commit) byte for byte where clients could care: status, JSON field order, message text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RunningServer, fresh_datadir, serving, start_run_all

ADMIN = ("admin", "abc123")


@pytest.fixture(scope="module")
def parity_server() -> Iterator[RunningServer]:
    """One run-all shared by a module's tests (tests restore what they change)."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


@pytest.fixture
def admin(parity_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=parity_server.base_url, auth=ADMIN, timeout=10) as client:
        yield client


@pytest.fixture
def anonymous(parity_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=parity_server.base_url, timeout=10) as client:
        yield client


def keys(response: httpx.Response) -> list[str]:
    """The top-level JSON keys in the order they arrived (Go writes struct fields in order)."""
    return list(json.loads(response.text))  # json keeps the order of the text


def simple(success: bool, message: str) -> str:
    """Owncast's WriteSimpleResponse body as Go's json.Encoder writes it (fields in struct order)."""
    return json.dumps({"success": success, "message": message}, separators=(",", ":"))


def body_text(response: httpx.Response) -> str:
    """The body without the newline Go's json.Encoder appends (ours has none)."""
    return response.text.rstrip("\n")


def eventually(read: Callable[[], Any], expected: Any, timeout: float = 10) -> Any:
    """``read()`` once it returns ``expected`` (config reaches serve over the bus, a few ms later)."""
    deadline = time.monotonic() + timeout
    while (value := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return value
