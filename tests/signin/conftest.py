"""Fixtures for the sign-in tests: a run-all that trusts a test CA, and browsers as httpx clients."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from tests.chat.conftest import chat_server, set_config  # noqa: F401  (chat_server: a fixture)
from tests.conftest import RunningServer, fresh_datadir, serving, start_run_all
from tests.signin.indieauth_peer import TLS, client_context, make_tls

_addresses = itertools.count(1)


@pytest.fixture(scope="module")
def tls() -> Iterator[TLS]:
    paths = make_tls()
    yield paths
    shutil.rmtree(paths.ca_pem.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def signin_server(tls: TLS) -> Iterator[RunningServer]:
    """A run-all whose outbound client trusts the test CA (SSL_CERT_FILE), may reach 127.0.0.1,
    knows its URL, trusts 127.0.0.1 as a proxy (each test browser is its own address) that signs
    users in, and federates."""
    before = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(tls.ca_pem)
    try:
        running = start_run_all(fresh_datadir())
    finally:
        if before is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = before
    with serving(running) as server:
        set_config(server, "server_url", server.base_url)
        set_config(server, "outbound_allowed_hosts", '["127.0.0.1"]')
        set_config(server, "trusted_proxies", '["127.0.0.1"]')
        set_config(server, "chat_proxy_user_auth", "true")  # the loopback "proxy" signs users in
        set_config(server, "federation_enabled", "true")  # fediverse codes go out through federate
        yield server


@asynccontextmanager
async def browser(tls: TLS, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client that follows no redirect by itself, seen as an address of its own
    (X-Forwarded-For from the trusted loopback proxy), so rate limits do not cross tests."""
    address = f"198.51.100.{next(_addresses)}"
    async with httpx.AsyncClient(verify=client_context(tls), timeout=10, follow_redirects=False,
                                 headers={"X-Forwarded-For": address}, **options) as client:
        yield client
