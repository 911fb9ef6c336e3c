"""The RTMP handshake (RTMP spec 5.2), plain and with the Flash Player 9 HMAC digest."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable
from typing import Final, NamedTuple

from .errors import RTMPProtocolError

__all__ = [
    "BLOCK_SIZE",
    "ClientDigest",
    "FMS_KEY",
    "FP_KEY",
    "RTMP_VERSION",
    "client_c1",
    "digest_offset",
    "find_digest",
    "make_c2",
    "server_response",
    "verify_server_response",
]

# RTMP spec 5.2.2 / 5.2.3: C0/S0 is one version byte (3); C1/S1/C2/S2 are 1536 bytes.
RTMP_VERSION: Final = 3
BLOCK_SIZE: Final = 1536
DIGEST_SIZE: Final = 32

# Not in the RTMP spec: the keys of the Flash Player 9 handshake, as used by librtmp
# (handshake.h) and nginx-rtmp (ngx_rtmp_handshake.c). Clients sign C1 with the first 30
# bytes of FP_KEY; servers sign S1 with the first 36 bytes of FMS_KEY and derive the S2 key
# from the whole FMS_KEY.
_KEY_TAIL: Final = bytes.fromhex(
    "f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae"
)
FP_KEY: Final = b"Genuine Adobe Flash Player 001" + _KEY_TAIL
FMS_KEY: Final = b"Genuine Adobe Flash Media Server 001" + _KEY_TAIL
FP_PARTIAL_KEY: Final = FP_KEY[:30]
FMS_PARTIAL_KEY: Final = FMS_KEY[:36]
# The version nginx-rtmp announces in S1; digest-checking clients want it non-zero.
SERVER_VERSION: Final = bytes((0x0D, 0x0E, 0x0A, 0x0D))
CLIENT_VERSION: Final = bytes((0x80, 0x00, 0x07, 0x02))  # librtmp's FP9 client version


def digest_offset(block: bytes, scheme: int) -> int:
    """Where the 32-byte digest sits in a 1536-byte block.

    Scheme 0 sums bytes 8..11 (digest in 12..771), scheme 1 sums bytes 772..775 (digest in
    776..1535); the sum modulo 728 is the position within that half.
    """
    base = 8 if scheme == 0 else 772
    return sum(block[base : base + 4]) % 728 + base + 4


def _digest(block: bytes, offset: int, key: bytes) -> bytes:
    """HMAC-SHA256 of the block without the 32 digest bytes at `offset`."""
    message = block[:offset] + block[offset + DIGEST_SIZE :]
    return hmac.new(key, message, hashlib.sha256).digest()


def _sign(block: bytes, scheme: int, key: bytes) -> bytes:
    offset = digest_offset(block, scheme)
    return block[:offset] + _digest(block, offset, key) + block[offset + DIGEST_SIZE :]


class ClientDigest(NamedTuple):
    """A valid digest found in C1 (or S1): its scheme and its 32 bytes."""

    scheme: int
    digest: bytes


def find_digest(block: bytes, key: bytes = FP_PARTIAL_KEY) -> ClientDigest | None:
    """Look for a valid digest in C1 (or, with FMS_PARTIAL_KEY, in S1).

    Returns:
        The scheme and digest, or None for a plain handshake (RTMP spec 5.2.3: bytes 4..7
        are zero) or a block whose digest does not verify.
    """
    if len(block) != BLOCK_SIZE or block[4:8] == b"\x00\x00\x00\x00":
        return None
    for scheme in (1, 0):  # nginx-rtmp tries 772..775 first
        offset = digest_offset(block, scheme)
        candidate = block[offset : offset + DIGEST_SIZE]
        if hmac.compare_digest(_digest(block, offset, key), candidate):
            return ClientDigest(scheme, candidate)
    return None


def _signed_tail(random: bytes, key: bytes) -> bytes:
    """A response block: random bytes, then an HMAC of them in the last 32 bytes."""
    head = random[: BLOCK_SIZE - DIGEST_SIZE]
    return head + hmac.new(key, head, hashlib.sha256).digest()


def server_response(
    c1: bytes, random_bytes: Callable[[int], bytes] = os.urandom
) -> tuple[bytes, bool]:
    """Build S0 + S1 + S2 for a client's C1.

    Plain clients get S1 = time 0, zero version, random bytes and S2 = C1 echoed (RTMP spec
    5.2.3, 5.2.4). A client whose C1 carries a valid FP9 digest gets, as from nginx-rtmp,
    an S1 signed with the server key in the client's scheme and an S2 of random bytes whose
    last 32 bytes are HMAC(key=HMAC(FMS_KEY, client digest), S2[:1504]).

    Returns:
        The 3073 bytes to send, and whether the digest form was used.
    """
    if len(c1) != BLOCK_SIZE:
        raise RTMPProtocolError(f"C1 must be {BLOCK_SIZE} bytes")
    found = find_digest(c1)
    if found is None:
        s1 = b"\x00" * 8 + random_bytes(BLOCK_SIZE - 8)
        return bytes((RTMP_VERSION,)) + s1 + c1, False
    s1 = _sign(b"\x00" * 4 + SERVER_VERSION + random_bytes(BLOCK_SIZE - 8), found.scheme,
               FMS_PARTIAL_KEY)
    s2_key = hmac.new(FMS_KEY, found.digest, hashlib.sha256).digest()
    s2 = _signed_tail(random_bytes(BLOCK_SIZE), s2_key)
    return bytes((RTMP_VERSION,)) + s1 + s2, True


def client_c1(random_bytes: Callable[[int], bytes] = os.urandom, *,
              digest: bool = False, scheme: int = 0) -> bytes:
    """A client's C1: plain (zero version) or signed with the Flash Player key."""
    if not digest:
        return b"\x00" * 8 + random_bytes(BLOCK_SIZE - 8)
    return _sign(b"\x00" * 4 + CLIENT_VERSION + random_bytes(BLOCK_SIZE - 8), scheme,
                 FP_PARTIAL_KEY)


def verify_server_response(c1: bytes, s1: bytes, s2: bytes) -> bool:
    """What a digest-checking client (librtmp) checks: S1's digest and S2's signature."""
    ours = find_digest(c1)
    if ours is None:
        return s2 == c1
    if find_digest(s1, FMS_PARTIAL_KEY) is None:
        return False
    s2_key = hmac.new(FMS_KEY, ours.digest, hashlib.sha256).digest()
    return _signed_tail(s2, s2_key) == s2


def make_c2(s1: bytes, random_bytes: Callable[[int], bytes] = os.urandom) -> bytes:
    """C2: an echo of S1, or for a signed S1 random bytes signed with a key derived from it."""
    found = find_digest(s1, FMS_PARTIAL_KEY)
    if found is None:
        return s1
    key = hmac.new(FP_KEY, found.digest, hashlib.sha256).digest()
    return _signed_tail(random_bytes(BLOCK_SIZE), key)
