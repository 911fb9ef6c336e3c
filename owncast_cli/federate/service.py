"""What every part of the federate daemon shares: the key, the profile, the clock, outbound HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from owncast_cli.outbound.client import allowed_hosts, outbound_client
from owncast_cli.outbound.guard import Allowlist
from owncast_cli.protocols.activitypub import httpsig
from owncast_cli.protocols.activitypub.actor import Profile
from owncast_cli.proxies import Network, parse_networks

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.daemons.context import Context

#: Remote servers must answer within this (actor fetches and deliveries alike).
HTTP_TIMEOUT = 10.0


def rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_profile(c: ConfigValues) -> Profile:
    """The actor's profile from the config (the public key is the ``public_key`` config key)."""
    return Profile(
        server_url=c.server_url.rstrip("/"), username=c.federation_username, name=c.server_name,
        summary=c.server_summary, logo_uniqueness=c.logo_uniqueness, tags=tuple(c.server_metadata_tags),
        social_handles=tuple((str(h.get("platform", "")), str(h.get("url", ""))) for h in c.social_handles),
        private=c.federation_private, published=c.server_init_date or rfc3339(0), public_key_pem=c.public_key,
    )


class FederateService:
    """One per federate daemon; routes, workers and bus reactions take it as their argument."""

    def __init__(self, ctx: Context, key: rsa.RSAPrivateKey, *, clock: Callable[[], float] = time.time,
                 verify: Any = True) -> None:
        self.ctx, self.db, self.key, self.clock = ctx, ctx.db, key, clock
        self.allow = Allowlist()
        self.trusted: list[Network] = []
        #: One client for every outbound request: connection reuse across deliveries to one host.
        self.http: httpx.AsyncClient = outbound_client(lambda: self.allow, timeout=HTTP_TIMEOUT, verify=verify)

    async def config(self) -> ConfigValues:
        values = await self.ctx.config_values()
        self.allow = allowed_hosts(values)  # follows `owncast config set outbound_allowed_hosts`
        self.trusted = parse_networks(values.trusted_proxies)
        return values

    def profile(self, c: ConfigValues) -> Profile:
        return make_profile(c)

    def url_refusal(self, url: str) -> str | None:
        """Why we will not contact ``url``: HTTPS only, except plain HTTP to a loopback address the
        ``outbound_allowed_hosts`` key lets through (tests and local peers)."""
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.hostname:
            return None
        if parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1"):
            import ipaddress

            if self.allow.permits(parts.hostname, ipaddress.ip_address(parts.hostname)):
                return None
        return f"{url} is not an https URL"

    def signed(self, method: str, url: str, key_id: str, body: bytes | None) -> dict[str, str]:
        """Headers for a request we sign with the actor's key (draft-cavage, rsa-sha256)."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return httpsig.signed_headers(method, parts.netloc, target, body, self.clock(), key_id, self.key)

    async def aclose(self) -> None:
        await self.http.aclose()
