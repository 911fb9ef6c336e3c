"""A remote fediverse server for the tests, on loopback: its own actors, keys and inboxes.

It signs what it sends and checks what it receives with the ``httpsig`` package from PyPI (an
independent draft-cavage implementation), never with ours, so a mistake shared by our signer and
our verifier cannot pass unseen. It answers ActivityPub GETs for its actors, records every POST
to its inboxes, and can be told to fail (a server that is down).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

import httpsig
import httpx
import trio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypercorn.config import Config
from hypercorn.trio import serve
from quart import Response, request
from quart_trio import QuartTrio

POST_HEADERS = ["(request-target)", "host", "date", "digest", "content-type"]


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    verified: bool  # our signature, checked by httpsig with our actor's published key


@dataclass
class Peer:
    """Start with ``await nursery.start(peer.run)``; ``peer.base`` is then ``http://127.0.0.1:PORT``."""

    our_actor_url: str = ""  # where to GET our actor (for our public key), set by the test
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))
    status: int = 202  # what the inboxes answer
    delay: float = 0.0  # seconds each inbox POST takes to answer
    received: list[Received] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # actor name -> display name
    base: str = ""
    _arrived: trio.Event = field(default_factory=trio.Event)
    _our_key: str | None = None

    def actor_iri(self, name: str = "alice") -> str:
        return f"{self.base}/users/{name}"

    def actor(self, name: str) -> dict[str, Any]:
        iri = self.actor_iri(name)
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": iri, "type": "Person", "preferredUsername": name, "name": self.names.get(name, name.title()),
            "inbox": iri + "/inbox", "outbox": iri + "/outbox", "url": iri,
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "icon": {"type": "Image", "url": f"{self.base}/{name}.png"},
            "publicKey": {"id": iri + "#main-key", "owner": iri, "publicKeyPem": public_pem(self.key)},
        }

    def app(self) -> QuartTrio:
        app = QuartTrio("peer")

        @app.get("/users/<name>")
        async def get_actor(name: str) -> Any:
            return Response(json.dumps(self.actor(name)), content_type="application/activity+json")

        @app.get("/.well-known/webfinger")
        async def webfinger() -> Any:
            user = request.args.get("resource", "").removeprefix("acct:").split("@")[0]
            return {"subject": f"acct:{user}", "links": [{"rel": "self", "type": "application/activity+json",
                                                        "href": self.actor_iri(user)}]}

        @app.post("/inbox")
        @app.post("/users/<name>/inbox")
        @app.post("/i/<int:n>")
        async def inbox(name: str = "", n: int = 0) -> Any:
            body = await request.get_data()
            await trio.sleep(self.delay)
            headers = {k.lower(): v for k, v in request.headers.items()}
            if self.status < 300:
                self.received.append(Received(request.path, headers, json.loads(body),
                                              await self._verify(headers, body)))
                self._arrived.set()
                self._arrived = trio.Event()
            return Response("", status=self.status)

        return app

    async def _verify(self, headers: dict[str, str], body: bytes) -> bool:
        if self._our_key is None:
            async with httpx.AsyncClient() as client:
                doc = (await client.get(self.our_actor_url, headers={"Accept": "application/activity+json"})).json()
            self._our_key = doc["publicKey"]["publicKeyPem"]
        digest_ok = headers.get("digest") == "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
        verifier = httpsig.HeaderVerifier(headers, self._our_key, POST_HEADERS, "POST", request.path,
                                          sign_header="signature")
        return digest_ok and bool(verifier.verify())

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        config = Config()
        config.bind = ["127.0.0.1:0"]
        config.accesslog = None
        async with trio.open_nursery() as nursery:
            bound = await nursery.start(lambda task_status: serve(self.app(), config, task_status=task_status))
            self.base = bound[0]
            task_status.started()

    async def wait_for(self, count: int, timeout: float = 15) -> list[Received]:
        """Until at least ``count`` POSTs arrived in all."""
        with trio.fail_after(timeout):
            while len(self.received) < count:
                await self._arrived.wait()
        return self.received

    def signed_post_headers(self, url: str, body: bytes, *, actor: str = "alice", key: rsa.RSAPrivateKey | None = None,
                            key_id: str | None = None, date: float | None = None) -> dict[str, str]:
        """Headers ``httpsig`` (not our code) signs, as Mastodon sends them."""
        parts = urlsplit(url)
        headers = {"host": parts.netloc, "date": formatdate(date if date is not None else time.time(), usegmt=True),
                   "digest": "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode(),
                   "content-type": "application/activity+json"}
        signer = httpsig.HeaderSigner(key_id or self.actor_iri(actor) + "#main-key", private_pem(key or self.key),
                                      "rsa-sha256", POST_HEADERS, sign_header="signature")
        return dict(signer.sign(headers, method="POST", path=parts.path))

    async def send(self, inbox_url: str, activity: dict[str, Any], **options: Any) -> httpx.Response:
        body = json.dumps(activity).encode()
        headers = self.signed_post_headers(inbox_url, body, **options)
        async with httpx.AsyncClient() as client:
            return await client.post(inbox_url, content=body, headers=headers)
