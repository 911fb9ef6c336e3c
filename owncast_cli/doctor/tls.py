"""server_url's certificate: federation needs https on port 443 with a certificate others trust."""

from __future__ import annotations

import ssl
import time
from typing import Final
from urllib.parse import urlsplit

import trio

from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, failed, passed, skipped, warning
from owncast_cli.doctor.netprobe import tcp_connect

#: A certificate that expires sooner than this is a warning (ACME clients renew at 30 days).
EXPIRY_WARNING_DAYS: Final = 14
CERT_FIX: Final = ("Give the proxy a certificate from a public CA for this host name (e.g. Let's Encrypt "
                   "through certbot or Caddy) with its full chain.")


async def certificate_days(host: str, port: int, context: ssl.SSLContext | None = None) -> float:
    """Days until the certificate ``host:port`` presents expires, after full verification.

    Raises:
        ssl.SSLError, OSError: the handshake or the verification failed.
    """
    stream = trio.SSLStream(await tcp_connect(host, port), context or ssl.create_default_context(),
                            server_hostname=host)
    async with stream:
        with trio.fail_after(5):
            await stream.do_handshake()
        cert = stream.getpeercert()
    assert cert is not None
    return (ssl.cert_time_to_seconds(str(cert["notAfter"])) - time.time()) / 86400


async def check_url(url: str, federation: bool, context: ssl.SSLContext | None = None) -> Finding:
    """The finding for ``url``; ``federation`` makes every problem a failure rather than a warning."""
    judge = failed if federation else warning
    why = "federation needs it" if federation else "viewers' browsers need it"
    parts = urlsplit(url)
    if parts.scheme != "https":
        return judge("tls", f"server_url {url!r} is not https; {why}",
                     "Put a TLS reverse proxy in front and set server_url to its https:// address.")
    host, port = parts.hostname or "", parts.port or 443
    try:
        days = await certificate_days(host, port, context)
    except (ssl.SSLError, OSError, trio.TooSlowError, trio.BrokenResourceError) as exc:
        cause = exc.__cause__ if isinstance(exc, trio.BrokenResourceError) else exc  # trio wraps ssl's errors
        if isinstance(cause, ssl.SSLCertVerificationError):
            return judge("tls", f"{host}:{port} presents a certificate that does not verify: "
                                f"{cause.verify_message}", CERT_FIX)
        return judge("tls", f"no TLS handshake with {host}:{port}: {type(cause).__name__}: {cause}", CERT_FIX)
    if days < 0:
        return judge("tls", f"the certificate of {host} expired {-days:.0f} days ago", CERT_FIX)
    if federation and port != 443:
        return failed("tls", f"server_url uses port {port}; fediverse servers only talk to port 443",
                      "Serve owncast's https address on port 443 and set server_url without a port.")
    if days < EXPIRY_WARNING_DAYS:
        return warning("tls", f"the certificate of {host} expires in {days:.0f} days",
                       "Renew it (check that certbot's timer or your ACME client runs).")
    return passed("tls", f"{host}:{port} presents a valid certificate (expires in {days:.0f} days)")


async def run(probe: Probe) -> list[Finding]:
    config = probe.config
    assert config is not None
    if not config.server_url:
        if config.federation_enabled:
            return [failed("tls", "federation is on but server_url is not set",
                           "`owncast config set server_url https://your.host` (federation needs it).")]
        return [skipped("tls", "server_url is not set and federation is off")]
    if not config.federation_enabled and not config.server_url.startswith("https:"):
        return [skipped("tls", "server_url is plain http and federation is off: no certificate to check")]
    return [await check_url(config.server_url, config.federation_enabled)]
