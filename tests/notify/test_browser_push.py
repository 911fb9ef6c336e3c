"""Browser push against a real receiver: a subscription with its own P-256 keys, the body
decrypted by http_ece (not our code), the VAPID token checked here, and 410 unsubscribing."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import http_ece
import trio
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from owncast_cli.bus.catalog import StreamStarted
from owncast_cli.config import ConfigStore
from owncast_cli.db import Database
from owncast_cli.repos import notifications
from tests.notify.conftest import receiver, running_notify, set_config, until
from tests.notify.receiver import Received


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self, endpoint: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        self.subscription = json.dumps({"endpoint": endpoint, "expirationTime": None,
                                        "keys": {"p256dh": b64(public), "auth": b64(self.auth)}})

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")


def check_vapid(request: Received, public_key: str, audience: str) -> dict[str, object]:
    """RFC 8292: ``vapid t=<JWT>, k=<key>``, the JWT signed ES256 by that key; its claims."""
    scheme, _, params = request.headers["authorization"].partition(" ")
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert scheme == "vapid" and fields["k"] == public_key
    header, claims, signature = fields["t"].split(".")
    assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64(signature)
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(public_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID token's signature does not verify") from None
    values = json.loads(unb64(claims))
    assert values["aud"] == audience and values["sub"] == "mailto:owncast@owncast.online"
    assert time.time() < values["exp"] <= time.time() + 24 * 3600
    return values


async def test_go_live_push_is_encrypted_signed_and_410_unsubscribes(notify_db: Database, datadir: Path) -> None:
    async with receiver(lambda r: 410 if r.path == "/push/gone" else 201) as got:
        set_config(notify_db, server_name="Otter TV",
                   browser_push_configuration={"enabled": True, "goLiveMessage": "Otters are live!"})
        browsers = {path: Browser(got.url + path) for path in ("/push/here", "/push/gone")}
        for browser in browsers.values():
            notify_db.write(lambda b=browser: notifications.add(notify_db, notifications.BROWSER_PUSH,
                                                                b.subscription, time.time()))
        with trio.fail_after(30):
            async with running_notify(notify_db, datadir, bus_clock=lambda: time.time() - 119) as notify:
                await notify.bus.publish(StreamStarted(stream_id="s1", has_video=True, has_audio=True,
                                                       remote_addr="127.0.0.1", time="2026-12-08T01:00:00Z",
                                                       stream_details={}))
                await got.wait_for(lambda reqs: len(reqs) == 2)
                await until(notify_db, lambda db: len(notifications.destinations(db, notifications.BROWSER_PUSH)) == 1)
    store = ConfigStore(notify_db)
    public = store.get("browser_push_public_key")
    assert len(unb64(public)) == 65 and len(unb64(store.get("browser_push_private_key"))) == 32
    for request in got.requests:
        assert request.headers["ttl"] == "120" and request.headers["topic"] == "owncast-go-live"
        assert request.headers["content-encoding"] == "aes128gcm"
        check_vapid(request, public, got.url)
        plain = browsers[request.path].decrypt(request.body)
        assert plain == b'{"title":"Otter TV","body":"Otters are live!","icon":"/logo/external"}'
    assert notifications.destinations(notify_db, notifications.BROWSER_PUSH) == [browsers["/push/here"].subscription]


async def test_vapid_keys_are_generated_once(notify_db: Database, datadir: Path) -> None:
    store = ConfigStore(notify_db)
    assert store.get("browser_push_public_key") == ""
    with trio.fail_after(20):
        async with running_notify(notify_db, datadir):
            pass
        first = (store.get("browser_push_public_key"), store.get("browser_push_private_key"))
        async with running_notify(notify_db, datadir):
            pass
    assert first[0] and (store.get("browser_push_public_key"), store.get("browser_push_private_key")) == first
