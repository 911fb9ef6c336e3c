"""Security: the default admin password or stream key still set; the admin API over plain HTTP from outside."""

from __future__ import annotations

import ipaddress

import httpx
import trio

from owncast_cli.adminauth import password_matches
from owncast_cli.config import defaults
from owncast_cli.doctor.context import Endpoint, Probe
from owncast_cli.doctor.model import Finding, failed, passed, warning
from owncast_cli.doctor.netprobe import http_client, outward_address


async def _password(probe: Probe) -> Finding:
    assert probe.config is not None
    stored = str(probe.config.admin_password_key)
    # bcrypt takes ~0.2 s of a core: a thread, not the event loop.
    if await trio.to_thread.run_sync(password_matches, stored, defaults.DEFAULT_ADMIN_PASSWORD):
        return failed("security.admin_password", "the admin password is still the default 'abc123': anyone "
                                                 "can take over this server",
                      "`owncast config set admin_password_key 'NEW PASSWORD'` (or Server Setup in the admin).")
    return passed("security.admin_password", "the admin password is not the default")


def _stream_key(probe: Probe) -> Finding:
    assert probe.config is not None
    keys = [k["key"] for k in probe.config.stream_keys]
    if defaults.DEFAULT_STREAM_KEY in keys:
        return failed("security.stream_key", f"the default stream key 'abc123' is one of the {len(keys)} key(s): "
                                             "anyone can stream to this server",
                      "`owncast keys add`, set your encoder to the new key, then `owncast keys remove abc123`.")
    return passed("security.stream_key", f"{len(keys)} stream key(s), none of them the default")


async def _plain_admin(probe: Probe) -> Finding:
    check = "security.admin_http"
    assert probe.config is not None
    bound = probe.bound("serve", "http") or Endpoint("http", probe.config.http_listen_address,
                                                      probe.config.http_port_number)
    try:
        listening = ipaddress.ip_address(bound.host or "0.0.0.0")
    except ValueError:
        listening = ipaddress.ip_address("0.0.0.0")
    if listening.is_loopback:
        return passed(check, f"the web port listens on {bound.host} only: the admin API is not "
                             "reachable from other machines except through the proxy")
    address = outward_address() if listening.is_unspecified else bound.host
    if address is None:
        return passed(check, f"the web port listens on {bound.host}, but this host has no outward address")
    url = Endpoint("http", address, bound.port).url("/api/admin/status")
    try:
        async with http_client(timeout=3) as client:
            response = await client.get(url)
    except (httpx.HTTPError, OSError):
        return passed(check, f"{url} does not answer from this host's outward address")
    return warning(check, f"the admin API answers plain HTTP at {url} ({response.status_code}): the admin "
                          "password would cross the network unencrypted",
                   "`owncast config set http_listen_address 127.0.0.1` behind a TLS reverse proxy (restart "
                   "serve), or firewall the web port so only the proxy reaches it.")


async def run(probe: Probe) -> list[Finding]:
    return [await _password(probe), _stream_key(probe), await _plain_admin(probe)]
