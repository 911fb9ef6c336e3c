"""Sending one webhook request: signed, through the SSRF guard, its outcome in a few words."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import trio

from owncast_cli import __version__, state
from owncast_cli.outbound.client import outbound_client
from owncast_cli.outbound.guard import OutboundRefused
from owncast_cli.repos.webhooks import Hook
from owncast_cli.webhooks import body, signature

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.db import Database
    from owncast_cli.outbound.guard import Allowlist


async def attempt(client: httpx.AsyncClient, hook: Hook, body: str, *, now: int,
                  timeout: float) -> tuple[int | None, str, bool]:
    """POST one body: (HTTP status or None, a short outcome text, permanent failure)."""
    raw = body.encode()
    headers = {"Content-Type": "application/json"}
    if hook.secret:
        headers[signature.HEADER] = signature.sign(hook.secret, raw, now)
    try:
        response = await client.post(hook.url, content=raw, headers=headers, timeout=timeout)
    except OutboundRefused as exc:
        return None, str(exc), True
    except httpx.TimeoutException:
        return None, f"timed out after {timeout:g}s", False
    except httpx.HTTPError as exc:
        return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, False
    return response.status_code, str(response.status_code), False


async def send_ping(db: Database, config: ConfigValues, allow: Allowlist, url: str,
                    secret: str) -> tuple[int | None, str, float]:
    """POST a signed PING event to ``url`` now: (status, outcome text, seconds it took).

    ``owncast webhooks test`` and ``POST /api/admin/webhooks/test``. The database is read in a
    worker thread (the state for the ``status`` object)."""
    snap = await trio.to_thread.run_sync(body.snapshot, db, config, __version__)
    text = body.encode("PING", body.ping(snap, state.rfc3339()))
    hook = Hook(0, url, ("PING",), secret, time.time(), None)
    async with outbound_client(allow) as client:
        began = time.monotonic()
        status, outcome, _permanent = await attempt(client, hook, text, now=int(time.time()),
                                                    timeout=config.webhook_timeout_seconds)
        return status, outcome, time.monotonic() - began
