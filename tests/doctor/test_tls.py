"""The TLS check against a real TLS server on loopback with certificates from a test CA (trustme)."""

from __future__ import annotations

import datetime
import ssl
from collections.abc import AsyncIterator
from functools import partial

import pytest
import trio
import trustme

from owncast_cli.doctor.tls import check_url


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


async def _tls_server(nursery: trio.Nursery, cert: trustme.LeafCert) -> int:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)

    async def handler(stream: trio.SSLStream) -> None:
        try:
            await stream.do_handshake()
            await stream.receive_some(1)
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            pass

    listeners = await nursery.start(partial(trio.serve_ssl_over_tcp, handler, 0, context, host="127.0.0.1"))
    return int(listeners[0].transport_listener.socket.getsockname()[1])


@pytest.fixture
async def nursery() -> AsyncIterator[trio.Nursery]:
    async with trio.open_nursery() as nursery:
        yield nursery
        nursery.cancel_scope.cancel()


async def test_an_untrusted_certificate(ca: trustme.CA, nursery: trio.Nursery) -> None:
    port = await _tls_server(nursery, ca.issue_cert("127.0.0.1"))
    with trio.fail_after(10):
        found = await check_url(f"https://127.0.0.1:{port}", federation=True)
    assert found.status == "failed"
    assert found.seen == (f"127.0.0.1:{port} presents a certificate that does not verify: "
                          "unable to get local issuer certificate")
    assert "certificate from a public CA" in found.fix


async def test_a_trusted_certificate_on_the_wrong_port_and_soon_expiring(ca: trustme.CA,
                                                                         nursery: trio.Nursery) -> None:
    client = ssl.create_default_context()
    ca.configure_trust(client)
    port = await _tls_server(nursery, ca.issue_cert("127.0.0.1"))
    with trio.fail_after(10):
        federated = await check_url(f"https://127.0.0.1:{port}/", federation=True, context=client)
        plain = await check_url(f"https://127.0.0.1:{port}/", federation=False, context=client)
    assert federated.status == "failed" and federated.seen == (
        f"server_url uses port {port}; fediverse servers only talk to port 443")
    assert plain.status == "passed" and plain.seen.startswith(f"127.0.0.1:{port} presents a valid certificate")

    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3, hours=1)
    port = await _tls_server(nursery, ca.issue_cert("127.0.0.1", not_after=soon))
    with trio.fail_after(10):
        expiring = await check_url(f"https://127.0.0.1:{port}/", federation=False, context=client)
    assert expiring.status == "warning" and expiring.seen == "the certificate of 127.0.0.1 expires in 3 days"
