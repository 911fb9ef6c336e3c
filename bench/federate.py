"""Federation benchmark: one post to 5,000 followers behind 500 loopback inboxes.

Queues the post as the go-live post is queued (one delivery per shared inbox), starts
``owncast federate`` as its own process and measures the time until every inbox has its signed
POST, and the daemon's CPU. Beside it, in this process: the cost of signing one request with our
code (headers, digest, draft-cavage string, RSA) against ``cryptography``'s raw RSA-2048 sign rate.
Target (issue 13): all delivered within 60 s on this machine.

    python bench/federate.py [--followers 5000] [--inboxes 500]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

import psutil
import trio

ROOT = Path(__file__).resolve().parents[1]


class Inboxes:
    """A minimal HTTP/1.1 server answering every POST with 202 and counting paths (keep-alive)."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.posts = 0
        self.first = self.last = 0.0

    async def handle(self, stream: trio.SocketStream) -> None:
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = await stream.receive_some(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, buffer = buffer.partition(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                length = next((int(line.split(b":")[1]) for line in lines[1:]
                               if line.lower().startswith(b"content-length:")), 0)
                while len(buffer) < length:
                    buffer += await stream.receive_some(65536)
                buffer = buffer[length:]
                self.seen.add(lines[0].split()[1].decode())
                self.posts += 1
                self.last = time.perf_counter()
                self.first = self.first or self.last
                await stream.send_all(b"HTTP/1.1 202 Accepted\r\ncontent-length: 0\r\n\r\n")
        except (trio.BrokenResourceError, trio.ClosedResourceError):
            return


def prepare(datadir: Path, port: int, followers: int, inboxes: int) -> int:
    from owncast_cli.config import ConfigStore
    from owncast_cli.db import open_database
    from owncast_cli.federate import followers as follower_work
    from owncast_cli.repos import ap_followers

    subprocess.run([sys.executable, "-m", "owncast_cli", "migrate", "--datadir", str(datadir)], check=True,
                   capture_output=True, cwd=ROOT)
    db = open_database(datadir / "owncast.db")
    store = ConfigStore(db)
    db.write(lambda: store.apply(store.plan({"federation_enabled": True, "server_url": "https://stream.example",
                                             "outbound_allowed_hosts": ["127.0.0.1"]})))

    def add() -> None:
        for n in range(followers):
            iri = f"http://127.0.0.1:{port}/users/u{n}"
            ap_followers.upsert_request(db, iri=iri, inbox=iri + "/inbox",
                                        shared_inbox=f"http://127.0.0.1:{port}/i/{n % inboxes}", name="", username="",
                                        image=None, link=iri, request="", request_object={}, now=0.0, approved=True)

    db.write(add)
    count = db.write(lambda: follower_work.post(db, store.values(), "I've gone live! #owncast", time.time()))
    db.close()
    return count


def signing_costs(rounds: int = 300) -> dict[str, float]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from owncast_cli.protocols.activitypub import httpsig

    key = rsa.generate_private_key(65537, 2048)
    body = json.dumps({"type": "Create", "object": {"content": "x" * 600}}).encode()
    start = time.perf_counter()
    for _ in range(rounds):
        httpsig.signed_headers("POST", "m.example", "/inbox", body, time.time(), "https://s/a#main-key", key)
    ours = (time.perf_counter() - start) / rounds
    message = b"x" * 200  # about the size of a signing string
    start = time.perf_counter()
    for _ in range(rounds):
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    raw = (time.perf_counter() - start) / rounds
    return {"sign_request_ms": ours * 1000, "raw_rsa_sign_ms": raw * 1000, "raw_rsa_signs_per_s": 1 / raw,
            "overhead_pct": (ours / raw - 1) * 100}


async def main(followers: int, inboxes: int) -> dict[str, float]:
    server = Inboxes()
    datadir = Path(tempfile.mkdtemp(prefix="obf-", dir="/tmp"))
    try:
        async with trio.open_nursery() as nursery:
            listeners = await nursery.start(partial(trio.serve_tcp, server.handle, 0, host="127.0.0.1"))
            port = listeners[0].socket.getsockname()[1]
            queued = await trio.to_thread.run_sync(prepare, datadir, port, followers, inboxes)
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "owncast_cli", "federate", "--datadir", str(datadir)],
                                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                with trio.fail_after(300):
                    while len(server.seen) < inboxes:
                        await trio.sleep(0.05)
                done = time.perf_counter()
                cpu = psutil.Process(proc.pid).cpu_times()
            finally:
                proc.terminate()
                proc.wait(15)
            nursery.cancel_scope.cancel()
    finally:
        shutil.rmtree(datadir, ignore_errors=True)
    return {"followers": followers, "inboxes": inboxes, "deliveries_queued": queued, "posts_received": server.posts,
            "seconds_from_process_start": done - started, "seconds_first_to_last_post": server.last - server.first,
            "federate_cpu_seconds": cpu.user + cpu.system, **signing_costs()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--followers", type=int, default=5000)
    parser.add_argument("--inboxes", type=int, default=500)
    args = parser.parse_args()
    print(json.dumps(trio.run(main, args.followers, args.inboxes), indent=2))
