"""server_url through the reverse proxy: it reaches this server, passes websockets and the client address.

The three complaints behind "chat offline" and "every viewer has the proxy's IP" (Owncast #516,
#4322): a proxy that forwards elsewhere, drops the ``Upgrade`` header, or sends no
``X-Forwarded-For`` (or is not listed in ``trusted_proxies``, so serve ignores it).
"""

from __future__ import annotations

import ssl
from typing import Any, Final
from urllib.parse import urlsplit

import httpx
import trio
import trio_websocket

from owncast_cli.doctor import echo
from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, failed, passed, skipped, warning
from owncast_cli.doctor.netprobe import http_client

NGINX_WEBSOCKET: Final = ('In nginx: `proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; '
                          'proxy_set_header Connection "upgrade";` in the location that proxies to owncast.')
NGINX_FORWARDED: Final = "In nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`."


async def _echo(probe: Probe, base: str) -> tuple[Finding, dict[str, Any] | None]:
    check = "proxy.reach"
    db = probe.db
    assert db is not None
    token = await trio.to_thread.run_sync(echo.issue, db)
    url = f"{base}{echo.PATH}"
    try:
        async with http_client() as client:
            response = await client.get(url, params={"token": token})
    except (httpx.HTTPError, OSError) as exc:
        return failed(check, f"cannot reach {base}: {type(exc).__name__}: {exc}",
                      "Check that server_url's host resolves to the proxy, the proxy runs, and its "
                      "certificate is valid (see the tls check)."), None
    finally:
        await trio.to_thread.run_sync(echo.withdraw, db, token)
    try:
        seen: dict[str, Any] = response.json()
    except ValueError:
        seen = {}
    if response.status_code != 200 or not isinstance(seen, dict) or seen.get("token") != token:
        return failed(check, f"{url} answered {response.status_code}, not this server's token",
                      "The proxy forwards to another server or path: proxy_pass every path of server_url "
                      "to this owncast's web port."), None
    return passed(check, f"a one-time token came back through {base}: the proxy reaches this server"), seen


def _forwarded(seen: dict[str, Any], base: str, probe: Probe) -> Finding:
    check = "proxy.forwarded_for"
    peer, header = str(seen.get("peer") or ""), str(seen.get("forwardedFor") or "")
    serve = probe.bound("serve", "http")
    if not header:
        if serve is not None and urlsplit(base).port == serve.port:
            return skipped(check, f"server_url points straight at serve's port {serve.port}: no proxy in between")
        return failed(check, f"the proxy at {peer or 'a Unix socket'} sent no X-Forwarded-For: every viewer "
                             "and chat user would have its address (IP bans would ban everyone)", NGINX_FORWARDED)
    if not seen.get("peerTrusted"):
        return failed(check, f"the proxy at {peer} sends X-Forwarded-For: {header}, but {peer} is not in "
                             "trusted_proxies, so serve ignores it",
                      f"`owncast config set trusted_proxies '[\"{peer}\"]'` (add it to the list if there is one).")
    return passed(check, f"the client address arrives: serve sees {seen.get('clientAddress')} "
                         f"(X-Forwarded-For: {header}, from trusted proxy {peer or 'a Unix socket'})")


def websocket_url(server_url: str, override: str) -> str:
    """Where the chat page connects: ``websocket_host_override`` (a CDN's own host) or server_url, + ``/ws``."""
    if override:
        return override.rstrip("/") + "/ws"
    parts = urlsplit(server_url)
    return parts._replace(scheme="wss" if parts.scheme == "https" else "ws", path=parts.path + "/ws").geturl()


async def _websocket(url: str) -> Finding:
    check = "proxy.websocket"
    context = ssl.create_default_context() if url.startswith("wss:") else None
    try:
        async with trio_websocket.open_websocket_url(url, ssl_context=context, connect_timeout=5,
                                                     disconnect_timeout=2):
            pass  # the upgrade went through; chat closes a token-less socket right after
    except trio_websocket.ConnectionRejected as exc:
        if exc.status_code == 503:
            return warning(check, f"{url}: chat is not running (503), so the upgrade could not be tested",
                           "Start the chat daemon (`owncast run-all` runs it) and run the doctor again.")
        return failed(check, f"{url} answered {exc.status_code} instead of switching to a websocket: the "
                             "proxy drops the Upgrade header, so chat shows as offline", NGINX_WEBSOCKET)
    except (trio_websocket.HandshakeError, OSError) as exc:
        return failed(check, f"no websocket at {url}: {type(exc).__name__}: {exc}", NGINX_WEBSOCKET)
    return passed(check, f"a websocket upgrade through {url} reached chat")


async def run(probe: Probe) -> list[Finding]:
    assert probe.config is not None
    base = probe.config.server_url.rstrip("/")
    if not base:
        return [skipped("proxy", "server_url is not set: nothing to check through a proxy")]
    reach, seen = await _echo(probe, base)
    if seen is None:
        return [reach]
    return [reach, _forwarded(seen, base, probe),
            await _websocket(websocket_url(base, probe.config.websocket_host_override))]
