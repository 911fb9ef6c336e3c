"""SIGKILL of ``owncast federate`` in the middle of delivering a post loses nothing: the restarted
daemon delivers the rest, and only deliveries in flight at the kill may arrive twice."""

from __future__ import annotations

import collections
import signal
import subprocess
from pathlib import Path

import trio
from cryptography.hazmat.primitives.asymmetric import rsa

from owncast_cli.config import ConfigStore
from owncast_cli.db import open_database
from owncast_cli.federate.delivery import CONCURRENCY
from owncast_cli.repos import ap_followers
from tests.conftest import OWNCAST, ROOT, owncast
from tests.federate.peer import Peer, private_pem, public_pem

FOLLOWERS = 300


def start_federate(datadir: Path) -> subprocess.Popen[str]:
    log = (datadir / "federate.log").open("a")
    return subprocess.Popen([*OWNCAST, "federate", "--datadir", str(datadir)], stdout=log, stderr=subprocess.STDOUT,
                            text=True, cwd=ROOT)


def prepare(datadir: Path, peer: Peer, key: rsa.RSAPrivateKey) -> None:
    owncast("migrate", datadir=datadir, check=True)
    db = open_database(datadir / "owncast.db")
    store = ConfigStore(db)
    db.write(lambda: store.apply(store.plan({
        "federation_enabled": True, "server_url": "https://stream.example", "outbound_allowed_hosts": ["127.0.0.1"],
        "private_key": private_pem(key), "public_key": public_pem(key)})))
    for n in range(FOLLOWERS):
        iri = f"{peer.base}/users/u{n}"
        db.write(lambda iri=iri, n=n: ap_followers.upsert_request(
            db, iri=iri, inbox=f"{peer.base}/i/{n}", shared_inbox=None, name="", username="", image=None, link=iri,
            request="", request_object={}, now=0.0, approved=True))
    db.close()


async def test_sigkill_mid_delivery_loses_nothing(datadir: Path) -> None:
    key = rsa.generate_private_key(65537, 2048)
    peer = Peer(delay=0.05)
    peer._our_key = public_pem(key)
    async with trio.open_nursery() as nursery:
        await nursery.start(peer.run)
        await trio.to_thread.run_sync(prepare, datadir, peer, key)
        queued = await trio.to_thread.run_sync(lambda: owncast("federate", "post", "going live soon",
                                                               datadir=datadir, check=True))
        assert f"queued for {FOLLOWERS} inbox(es)" in queued.stderr
        first = start_federate(datadir)
        try:
            await peer.wait_for(FOLLOWERS // 3, timeout=60)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        got_before = len(peer.received)
        assert got_before < FOLLOWERS, "the kill came too late to test anything"
        second = start_federate(datadir)
        try:
            with trio.fail_after(90):
                while len({r.path for r in peer.received}) < FOLLOWERS:
                    await peer.wait_for(len(peer.received) + 1, timeout=90)
        finally:
            second.send_signal(signal.SIGTERM)
            assert second.wait(15) == 0
        nursery.cancel_scope.cancel()
    counts = collections.Counter(r.path for r in peer.received)
    assert set(counts) == {f"/i/{n}" for n in range(FOLLOWERS)}
    twice = [path for path, n in counts.items() if n > 1]
    assert len(twice) <= CONCURRENCY, twice  # at most those in flight when it was killed
    assert all(r.verified for r in peer.received)
