"""The web and RTMP ports: something listens where the daemon bound (or the config says), and it is us."""

from __future__ import annotations

import os
from typing import Final

import httpx
import trio

from owncast_cli.doctor.context import Endpoint, Probe
from owncast_cli.doctor.model import Finding, failed, passed
from owncast_cli.doctor.netprobe import http_client, tcp_connect

#: RTMP spec 5.2: C0 is the version byte 3, C1 is 1536 bytes; the server's S0 echoes the version.
RTMP_VERSION: Final = 3
RTMP_C1_SIZE: Final = 1536


def _configured(probe: Probe, scheme: str) -> Endpoint:
    config = probe.config
    assert config is not None
    if scheme == "http":
        return Endpoint("http", config.http_listen_address, config.http_port_number)
    return Endpoint("rtmp", config.rtmp_listen_address, config.rtmp_port_number)


async def _web(probe: Probe) -> Finding:
    check = "ports.web"
    bound = probe.bound("serve", "http")
    where = bound or _configured(probe, "http")
    url = where.url("/api/status")
    try:
        async with http_client() as client:
            response = await client.get(url)
    except (httpx.HTTPError, OSError) as exc:
        if bound is None:
            return failed(check, f"serve is not running and nothing answers on {where.url()} ({exc})",
                          "Start `owncast run-all` (or `owncast serve`); `owncast status` shows what runs.")
        return failed(check, f"serve says it listens on {where.url()} but it does not answer: {exc}",
                      "Check the firewall and logs/owncast.log, then restart serve.")
    if response.status_code != 200 or "online" not in response.text:
        fix = ("Another program holds the port: stop it, or move owncast with "
               "`owncast config set http_port_number PORT`.")
        return failed(check, f"{url} answered {response.status_code} but not as owncast", fix)
    if bound is None:
        return failed(check, f"something answers {url} as owncast, but no serve of this data directory runs",
                      "Another owncast holds the port: stop it or give this one another http_port_number.")
    return passed(check, f"serve answers on {where.url()} (listening on {where.host or '*'}:{where.port})")


async def _rtmp_handshake(host: str, port: int) -> bytes:
    stream = await tcp_connect(host, port)
    async with stream:
        await stream.send_all(bytes([RTMP_VERSION]) + os.urandom(RTMP_C1_SIZE))
        with trio.move_on_after(3):
            return await stream.receive_some(1)
        return b""


async def _rtmp(probe: Probe) -> Finding:
    check = "ports.rtmp"
    bound = probe.bound("ingest", "rtmp")
    where = bound or _configured(probe, "rtmp")
    target = f"{where.connect_host}:{where.port}"
    try:
        answer = await _rtmp_handshake(where.connect_host, where.port)
    except OSError as exc:
        if bound is None:
            return failed(check, f"ingest is not running and nothing listens on {target} ({exc})",
                          "Start `owncast run-all` (or `owncast ingest`); encoders cannot publish until then.")
        return failed(check, f"ingest says it listens on {target} but a connection fails: {exc}",
                      "Check the firewall and logs/owncast.log, then restart ingest.")
    if answer[:1] != bytes([RTMP_VERSION]):
        return failed(check, f"{target} does not answer an RTMP handshake (got {answer[:8]!r})",
                      "Another program holds the port: stop it or set `owncast config set rtmp_port_number PORT`.")
    if bound is None:
        return failed(check, f"an RTMP server answers on {target}, but no ingest of this data directory runs",
                      "Another RTMP server holds the port: stop it or give owncast another rtmp_port_number.")
    return passed(check, f"ingest answers the RTMP handshake on {target} "
                         f"(listening on {where.host or '*'}:{where.port})")


async def run(probe: Probe) -> list[Finding]:
    return [await _web(probe), await _rtmp(probe)]
