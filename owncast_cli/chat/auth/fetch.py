"""Outbound fetches for sign-in, every one through the SSRF guard (owncast_cli/outbound/)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Final

import httpx

from owncast_cli.chat.auth.indieauth import SignInError
from owncast_cli.outbound.client import outbound_client
from owncast_cli.outbound.guard import Allowlist, OutboundRefused

#: A profile page, metadata or answer larger than this is not read further.
MAX_BODY: Final = 512 * 1024
TIMEOUT: Final = 10.0


@asynccontextmanager
async def guarded(config: Mapping[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    """An outbound client for one sign-in step, allowed what ``outbound_allowed_hosts`` (in the
    daemon's live ``config``) lets through; refusals and network errors become SignInError."""
    allow = lambda: Allowlist.parse(config.get("outbound_allowed_hosts") or [])  # noqa: E731 - read per connection
    async with outbound_client(allow, timeout=TIMEOUT) as client:
        try:
            yield client
        except OutboundRefused as exc:
            raise SignInError(str(exc)) from None
        except httpx.HTTPError as exc:
            host = exc.request.url.host if _has_request(exc) else "the server"
            raise SignInError(f"could not reach {host}: {type(exc).__name__}") from None


def _has_request(exc: httpx.HTTPError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when the error has no request
    except RuntimeError:
        return False
    return True


async def read_limited(response: httpx.Response) -> bytes:
    """The body, at most MAX_BODY bytes (a larger one is refused, not truncated)."""
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > MAX_BODY:
            raise SignInError(f"{response.url.host} sent more than {MAX_BODY // 1024} KiB")
        chunks.append(chunk)
    return b"".join(chunks)


async def get(client: httpx.AsyncClient, url: str, accept: str) -> tuple[httpx.Response, bytes]:
    async with client.stream("GET", url, headers={"Accept": accept}) as response:
        return response, await read_limited(response)


async def post_form(client: httpx.AsyncClient, url: str, form: dict[str, str]) -> tuple[int, Any]:
    """POST a form, expecting JSON back: (status, decoded JSON or None)."""
    async with client.stream("POST", url, data=form, headers={"Accept": "application/json"}) as response:
        body = await read_limited(response)
    try:
        return response.status_code, json.loads(body)
    except ValueError:
        return response.status_code, None


def decode_text(response: httpx.Response, body: bytes) -> str:
    return body.decode(response.encoding or "utf-8", "replace")
