"""HTTP Signatures as the fediverse speaks them (draft-cavage-http-signatures-12, rsa-sha256).

Sans-IO: the caller passes the method, the request target, the headers, the body and the time;
nothing here reads a clock or a socket. Mastodon signs ``(request-target) host date digest``
(``content-type`` too on POSTs) and verifies the same; ``hs2019`` with an RSA key means
rsa-sha256 in practice (draft 12 section 2.5 leaves the hash to the key's metadata).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: Headers we sign on a GET and on a POST (Mastodon's choice; the body's digest only on POST).
GET_HEADERS: Final = ("(request-target)", "host", "date")
POST_HEADERS: Final = ("(request-target)", "host", "date", "digest", "content-type")
#: draft-cavage 2.3: without a ``headers`` parameter only ``date`` is signed.
DEFAULT_HEADERS: Final = ("date",)
_HASHES: Final[dict[str, type[hashes.HashAlgorithm]]] = {
    "rsa-sha256": hashes.SHA256, "hs2019": hashes.SHA256, "rsa-sha512": hashes.SHA512,
}
_PARAM = re.compile(r'\s*([a-zA-Z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(ValueError):
    """A request whose signature is missing, malformed or does not verify; the text says why."""


@dataclass(frozen=True)
class Signature:
    """The parsed ``Signature`` header (draft-cavage 2.1)."""

    key_id: str
    algorithm: str
    headers: tuple[str, ...]
    signature: bytes


def digest(body: bytes) -> str:
    """The RFC 3230 ``Digest`` value Mastodon sends and checks: ``SHA-256=<base64>``."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(now: float) -> str:
    """An RFC 9110 IMF-fixdate for the ``Date`` header."""
    return formatdate(now, usegmt=True)


def parse_signature(value: str) -> Signature:
    """Parse a ``Signature`` header value; raises :class:`SignatureError` when malformed."""
    params: dict[str, str] = {}
    pos = 0
    while pos < len(value):
        match = _PARAM.match(value, pos)
        if match is None:
            raise SignatureError(f"malformed Signature header near {value[pos:pos + 20]!r}")
        params[match.group(1).lower()] = match.group(2)
        pos = match.end()
    if "keyid" not in params or "signature" not in params:
        raise SignatureError("the Signature header needs keyId and signature")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("the signature is not base64") from None
    names = tuple(params.get("headers", "").lower().split()) or DEFAULT_HEADERS
    return Signature(params["keyid"], params.get("algorithm", "hs2019").lower(), names, raw)


def signing_string(method: str, target: str, headers: Mapping[str, str], names: tuple[str, ...]) -> str:
    """The string draft-cavage 2.3 signs; ``headers`` keys must be lower case.

    Raises:
        SignatureError: a named header is absent.
    """
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {target}")
        elif name in headers:
            lines.append(f"{name}: {headers[name].strip()}")
        else:
            raise SignatureError(f"the signed header {name!r} is missing from the request")
    return "\n".join(lines)


def sign(method: str, target: str, headers: Mapping[str, str], key_id: str,
         private_key: rsa.RSAPrivateKey, names: tuple[str, ...]) -> str:
    """The ``Signature`` header value for a request whose ``headers`` (lower-case keys) are set."""
    text = signing_string(method, target, headers, names).encode()
    raw = private_key.sign(text, padding.PKCS1v15(), hashes.SHA256())
    return (f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
            f'signature="{base64.b64encode(raw).decode()}"')


def signed_headers(method: str, url_host: str, target: str, body: bytes | None, now: float,
                   key_id: str, private_key: rsa.RSAPrivateKey,
                   content_type: str = "application/activity+json") -> dict[str, str]:
    """The headers of an outgoing request we sign: host, date, digest/content-type, signature."""
    headers = {"host": url_host, "date": http_date(now)}
    names: tuple[str, ...] = GET_HEADERS
    if body is not None:
        headers["digest"] = digest(body)
        headers["content-type"] = content_type
        names = POST_HEADERS
    headers["signature"] = sign(method, target, headers, key_id, private_key, names)
    return headers


def verify(sig: Signature, method: str, target: str, headers: Mapping[str, str],
           public_key: rsa.RSAPublicKey) -> None:
    """Check ``sig`` over the request; raises :class:`SignatureError` when it does not verify.

    Owncast tries the stated algorithm, then rsa-sha256, then rsa-sha512 (servers mislabel it).
    """
    text = signing_string(method, target, headers, sig.headers).encode()
    tried = [sig.algorithm] if sig.algorithm in _HASHES else []
    for name in (*tried, "rsa-sha256", "rsa-sha512"):
        try:
            public_key.verify(sig.signature, text, padding.PKCS1v15(), _HASHES[name]())
            return
        except InvalidSignature:
            continue
    raise SignatureError(f"the signature by {sig.key_id} does not verify")


def check_request(sig: Signature, method: str, target: str, headers: Mapping[str, str], body: bytes,
                  now: float, window: float) -> None:
    """What must hold before the key is even fetched: signed headers, Digest and Date.

    Args:
        sig: the parsed Signature header.
        method, target: the request line (target is path plus query).
        headers: the request's headers, lower-case names.
        body: the raw body (a POST's digest must match it).
        now: the current time, seconds since the epoch.
        window: how far, in seconds, Date may be from ``now`` either way (replay window).
    """
    needed = {"(request-target)", "host", "date"} | ({"digest"} if method.upper() == "POST" else set())
    missing = needed - set(sig.headers)
    if missing:
        raise SignatureError(f"the signature must cover {', '.join(sorted(missing))}")
    if "digest" in sig.headers or method.upper() == "POST":
        _check_digest(headers.get("digest", ""), body)
    try:
        sent = parsedate_to_datetime(headers.get("date", "")).timestamp()
    except (TypeError, ValueError):
        raise SignatureError("the Date header is missing or malformed") from None
    if abs(now - sent) > window:
        raise SignatureError(f"the Date header is {int(now - sent)} s off (outside the {int(window)} s window)")


def _check_digest(value: str, body: bytes) -> None:
    for part in value.split(","):
        algo, _, encoded = part.strip().partition("=")
        if algo.upper() == "SHA-256":
            if encoded != digest(body).partition("=")[2]:
                raise SignatureError("the Digest header does not match the body")
            return
    raise SignatureError("a SHA-256 Digest header is required")


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from PEM; raises :class:`SignatureError` for anything else."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError:
        raise SignatureError("the actor's publicKeyPem is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("only RSA keys are supported")
    return key
