"""Web Push, sans-IO: VAPID keys and tokens (RFC 8292) and aes128gcm message encryption (RFC 8291).

Written on ``cryptography`` rather than pywebpush: pywebpush sends with ``requests`` (no trio,
and past our SSRF guard); here the caller sends the request with its own client. Keys are in
Owncast's (webpush-go's) format: unpadded base64url of the P-256 private scalar and of the
uncompressed public point.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

RECORD_SIZE: Final = 4096
#: VAPID tokens are valid this long (RFC 8292 allows at most 24 h).
TOKEN_SECONDS: Final = 12 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def generate_vapid_keys() -> tuple[str, str]:
    """(private, public) keys, as Owncast stores them."""
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big")), b64url(_public_bytes(key.public_key()))


def _private_key(private: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(unb64url(private), "big"), ec.SECP256R1())


def vapid_header(endpoint: str, private: str, public: str, subscriber: str, now: int) -> str:
    """``Authorization: vapid t=<ES256 JWT>, k=<public key>`` for a push service's endpoint."""
    parts = urlsplit(endpoint)
    sub = subscriber if subscriber.startswith(("mailto:", "https:")) else f"mailto:{subscriber}"
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    claims = b64url(json.dumps({"aud": f"{parts.scheme}://{parts.netloc}", "exp": now + TOKEN_SECONDS, "sub": sub},
                               separators=(",", ":")).encode())
    der = _private_key(private).sign(f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    token = f"{header}.{claims}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"
    return f"vapid t={token}, k={public}"


@dataclass(frozen=True)
class Subscription:
    """A browser's ``PushSubscription.toJSON()``: where to send and the keys to encrypt for."""

    endpoint: str
    p256dh: bytes
    auth: bytes

    @classmethod
    def parse(cls, text: str) -> Subscription:
        """Raises ValueError saying what is wrong with a subscription's JSON."""
        try:
            obj = json.loads(text)
            endpoint, keys = obj["endpoint"], obj["keys"]
            p256dh, auth = unb64url(keys["p256dh"]), unb64url(keys["auth"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ValueError('a PushSubscription as JSON: {"endpoint": "https://...", "keys": '
                             '{"p256dh": "...", "auth": "..."}}') from None
        # Browsers give https endpoints; http is accepted for a push service on a private network
        # (the SSRF guard still decides whether it may be reached).
        if not isinstance(endpoint, str) or urlsplit(endpoint).scheme not in ("https", "http") \
                or not urlsplit(endpoint).netloc:
            raise ValueError("the subscription's endpoint must be an https:// URL")
        if len(p256dh) != 65 or p256dh[0] != 4 or len(auth) != 16:
            raise ValueError("the subscription's keys must be a P-256 point (p256dh) and 16 bytes (auth)")
        return cls(endpoint, p256dh, auth)


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def encrypt(plaintext: bytes, sub: Subscription, *, salt: bytes | None = None,
            sender: ec.EllipticCurvePrivateKey | None = None) -> bytes:
    """The aes128gcm body for one subscription (one record, as every push service takes)."""
    salt = salt or os.urandom(16)
    sender = sender or ec.generate_private_key(ec.SECP256R1())
    ua_public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sub.p256dh)
    as_public = _public_bytes(sender.public_key())
    shared = sender.exchange(ec.ECDH(), ua_public)
    # RFC 8291 section 3.4: the auth secret and both public keys go into the input keying material.
    ikm = _hmac(_hmac(sub.auth, shared), b"WebPush: info\x00" + sub.p256dh + as_public + b"\x01")
    prk = _hmac(salt, ikm)
    cek = _hmac(prk, b"Content-Encoding: aes128gcm\x00\x01")[:16]
    nonce = _hmac(prk, b"Content-Encoding: nonce\x00\x01")[:12]
    if len(plaintext) + 1 + 16 > RECORD_SIZE:
        raise ValueError("a push message must fit one 4096-byte record")
    ciphertext = AESGCM(cek).encrypt(nonce, plaintext + b"\x02", None)  # 0x02: the last record
    return salt + struct.pack("!IB", RECORD_SIZE, len(as_public)) + as_public + ciphertext
