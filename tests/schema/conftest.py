"""Schemathesis against Owncast's OpenAPI file (tests/data), over real HTTP to a real run-all.

Two servers: one for the admin routes that change state (config setters, bans, deleted users,
tokens), so they cannot break the examples of the others, which share the second. Every
documented route we do not serve is named in :data:`NOT_SERVED` with the reason (and checked to
answer 404); nothing is dropped silently.
"""

from __future__ import annotations

import base64
import copy
import functools
import os
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
import yaml
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import RunningServer, fresh_datadir, serving, start_run_all
from tests.openapi import SPEC_PATH
from tests.schema.deviations import DEVIATIONS, UNDOCUMENTED, Deviation
from tests.schema.strict import strict

ADMIN = ("admin", "abc123")
BASIC = "Basic " + base64.b64encode(b"admin:abc123").decode()
#: Generated examples per operation with credentials that let the request through (the spec's
#: own examples come on top), and for requests refused with 401 (only the refusal is exercised).
#: OWNCAST_SCHEMA_EXAMPLES raises both for a longer run outside CI.
MAX_EXAMPLES = int(os.environ.get("OWNCAST_SCHEMA_EXAMPLES", "4"))
REFUSED_EXAMPLES = max(2, MAX_EXAMPLES // 4)
#: No single example may take longer than this (a stalled connection shows up here).
DEADLINE = timedelta(seconds=5)
#: Time box of the whole schemathesis run, seconds. Past it each operation still sends its first
#: example, the rest are not sent, and the run says how many were left out.
BUDGET = float(os.environ.get("OWNCAST_SCHEMA_BUDGET", "60"))

#: Documented routes this server does not serve yet (path as in the spec, below /api).
NOT_SERVED: dict[str, str] = {
    "/remotefollow": "federation (ActivityPub) is not built yet",
    "/federation/servers": "federation is not built yet",
    "/admin/federation/servers": "federation is not built yet",
    "/admin/federation/servers/{id}": "federation is not built yet",
    "/admin/federation/feature-requests": "federation is not built yet",
    "/auth/indieauth": "IndieAuth chat login is not built yet",
    "/auth/indieauth/callback": "IndieAuth chat login is not built yet",
    "/auth/provider/indieauth": "IndieAuth chat login is not built yet",
    "/auth/fediverse": "fediverse chat login is not built yet",
    "/auth/fediverse/verify": "fediverse chat login is not built yet",
}

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]

CONFIG = schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "with-security-parameters": False},
    # The coverage phase (every boundary of every schema) sends hundreds of requests per
    # operation; OWNCAST_SCHEMA_COVERAGE=1 turns it on for a longer run.
    "phases": {"coverage": {"enabled": os.environ.get("OWNCAST_SCHEMA_COVERAGE") == "1"}},
    "request-timeout": DEADLINE.total_seconds(),
})


@functools.lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    spec = yaml.load(SPEC_PATH.read_text(), Loader=yaml.CSafeLoader)  # C parser: 4x faster to collect
    # A defect of Owncast's file: its handler (GetFederatedActions) answers a paginated response
    # whose results are a list of activities, as every other paginated route does.
    paginated = spec["components"]["schemas"]["PaginatedFederatedActivity"]["properties"]
    paginated["results"] = {"type": "array", "items": {"$ref": "#/components/schemas/FederatedActivity"}}
    # Responses are judged strictly (tests/schema/strict.py).
    return strict(spec, UNDOCUMENTED)


def load_schema(select: Callable[[str, str], bool]) -> Any:
    """The served operations for which ``select(method, path)`` holds (path as in the spec)."""
    schema = schemathesis.openapi.from_dict(copy.deepcopy(_spec()), config=CONFIG)
    schema = schema.exclude(path=list(NOT_SERVED))
    return schema.include(lambda ctx: select(ctx.operation.method.upper(), ctx.operation.path))


def bounded(examples: int = MAX_EXAMPLES) -> Any:
    """Hypothesis settings for one operation's examples (apply below ``parametrize()``)."""
    return hypothesis.settings(max_examples=examples, deadline=DEADLINE)


class Budget:
    """The run's time box, started by the first example; it keeps each operation's first example."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started: float | None = None
        self.seen: set[str] = set()
        self.left_out = 0

    def allows(self, key: str) -> bool:
        now = time.monotonic()
        if self.started is None:
            self.started = now
        first = key not in self.seen
        self.seen.add(key)
        if first or now - self.started < self.seconds:
            return True
        self.left_out += 1
        return False


BUDGET_USED = Budget(BUDGET)


def call(case: Case, server: RunningServer, headers: dict[str, str] | None = None, key: str = "") -> Any:
    """Send ``case`` over HTTP and run the checks, less those a recorded deviation excuses.

    Returns None (nothing sent) for an operation's later examples once the time box is used up;
    ``key`` tells apart runs of one operation with different credentials.
    """
    if not BUDGET_USED.allows(f"{case.operation.label} {key}"):
        return None
    skipped = DEVIATIONS.get(f"{case.method.upper()} {case.path}", Deviation(())).checks
    if case.method.upper() == "OPTIONS":
        # A CORS preflight is answered before anything in the request is read (Owncast's
        # middleware does the same), so an invalid parameter cannot be refused there.
        skipped = (*skipped, negative_data_rejection)
    # Owncast's GET routes take every query the spec allows (a bad value is ignored or
    # defaulted): a 400 there means a client that works with Owncast would break here.
    extra = [positive_data_acceptance] if case.method.upper() == "GET" else []
    checks = [check for check in (*CHECKS, *extra) if check not in skipped]
    return case.call_and_validate(base_url=f"{server.base_url}/api", headers=headers or {}, checks=checks)


@pytest.fixture(scope="session")
def api_server() -> Iterator[RunningServer]:
    """The server of the routes that read, and of requests refused for want of credentials."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


@pytest.fixture(scope="session")
def mutated_server() -> Iterator[RunningServer]:
    """A server of its own for the admin routes that change state (config, bans, users, tokens)."""
    with serving(start_run_all(fresh_datadir())) as running:
        yield running


def admin_client(server: RunningServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, auth=ADMIN, timeout=10)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if BUDGET_USED.left_out:
        terminalreporter.write_line(
            f"schemathesis: the {BUDGET:.0f} s time box was used up; {BUDGET_USED.left_out} later examples "
            "were not sent (every operation sent its first)")
