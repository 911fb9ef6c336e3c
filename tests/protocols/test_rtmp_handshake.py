"""RTMP handshake: plain echo, FP9 digest answered as nginx-rtmp does (checked independently)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from owncast_cli.protocols.rtmp import HandshakeCompleted, RTMPProtocolError, RTMPServerConnection
from owncast_cli.protocols.rtmp.handshake import client_c1, make_c2, verify_server_response

from .rtmp_helpers import seeded_random

# Written out here rather than imported, so the test checks the module's constants too.
KEY_TAIL = bytes.fromhex("f0eec24a8068bee82e00d0d1029e7e576eec5d2d29806fab93b8e636cfeb31ae")
FP_KEY = b"Genuine Adobe Flash Player 001" + KEY_TAIL
FMS_KEY = b"Genuine Adobe Flash Media Server 001" + KEY_TAIL


def offset_for(block: bytes, scheme: int) -> int:
    base = 8 if scheme == 0 else 772
    return (block[base] + block[base + 1] + block[base + 2] + block[base + 3]) % 728 + base + 4


def hmac256(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def signed_c1(scheme: int, seed: int = 7) -> tuple[bytes, bytes]:
    """A digest C1 built by hand: time, FP9 version, random, HMAC at the scheme's offset."""
    block = bytearray(b"\x00\x00\x00\x00\x80\x00\x07\x02" + seeded_random(seed)(1528))
    offset = offset_for(bytes(block), scheme)
    digest = hmac256(FP_KEY[:30], bytes(block[:offset] + block[offset + 32 :]))
    block[offset : offset + 32] = digest
    return bytes(block), digest


def test_plain_handshake_echoes_c1() -> None:
    c1 = b"\x00\x00\x00\x00\x00\x00\x00\x00" + seeded_random(3)(1528)
    server = RTMPServerConnection(random_bytes=seeded_random(4))
    server.receive_data(b"\x03" + c1)
    assert server.next_event() is None
    out = server.data_to_send()
    assert len(out) == 1 + 1536 + 1536
    assert out[0] == 3  # S0: RTMP spec 5.2.2
    s1, s2 = out[1:1537], out[1537:]
    assert s1[:8] == b"\x00" * 8  # RTMP spec 5.2.3: time 0, zero field
    assert s2 == c1  # RTMP spec 5.2.4: echo
    server.receive_data(s1)  # C2
    assert server.next_event() == HandshakeCompleted(digest=False)


@pytest.mark.parametrize("scheme", [0, 1])
def test_digest_client_gets_a_verifiable_answer(scheme: int) -> None:
    c1, client_digest = signed_c1(scheme)
    server = RTMPServerConnection(random_bytes=seeded_random(5))
    server.receive_data(b"\x03" + c1)
    server.next_event()
    out = server.data_to_send()
    s1, s2 = out[1:1537], out[1537:]
    assert s1[4:8] != b"\x00\x00\x00\x00"
    # S1 carries HMAC(FMS key[:36]) at the client's scheme offset (librtmp tries both).
    offset = offset_for(s1, scheme)
    assert s1[offset : offset + 32] == hmac256(FMS_KEY[:36], s1[:offset] + s1[offset + 32 :])
    # S2: random bytes, last 32 = HMAC(HMAC(full FMS key, client digest), first 1504 bytes).
    s2_key = hmac256(FMS_KEY, client_digest)
    assert s2[-32:] == hmac256(s2_key, s2[:-32])
    assert s2[:-32] != c1[:-32]
    server.receive_data(c1)  # any C2 is accepted, as nginx-rtmp does
    assert server.next_event() == HandshakeCompleted(digest=True)


def test_bad_digest_falls_back_to_plain() -> None:
    c1, _ = signed_c1(0)
    broken = c1[:100] + bytes((c1[100] ^ 1,)) + c1[101:]
    server = RTMPServerConnection()
    server.receive_data(b"\x03" + broken)
    server.next_event()
    assert server.data_to_send()[1537:] == broken


@pytest.mark.parametrize("digest", [False, True])
def test_client_helpers_agree_with_server(digest: bool) -> None:
    c1 = client_c1(seeded_random(8), digest=digest)
    server = RTMPServerConnection(random_bytes=seeded_random(9))
    server.receive_data(b"\x03" + c1)
    server.next_event()
    out = server.data_to_send()
    assert verify_server_response(c1, out[1:1537], out[1537:])
    assert not verify_server_response(c1, out[1:1537], bytes(1536))
    assert len(make_c2(out[1:1537], seeded_random(10))) == 1536


def test_handshake_fed_one_byte_at_a_time_with_data_after_c2() -> None:
    c1 = client_c1(seeded_random(11))
    server = RTMPServerConnection()
    events = []
    # C2 followed at once by the first chunk (a Set Chunk Size) in the same segment.
    stream = b"\x03" + c1 + c1 + bytes.fromhex("02 000000 000004 01 00000000 00001000")
    for i in range(len(stream)):
        server.receive_data(stream[i : i + 1])
        events += list(server.events())
    assert events == [HandshakeCompleted(digest=False)]
    assert server.peer_chunk_size == 4096


@pytest.mark.parametrize("version", [0, 6, 8, 0xFF])
def test_unsupported_version_is_refused_at_once(version: int) -> None:
    server = RTMPServerConnection()
    server.receive_data(bytes((version,)))
    with pytest.raises(RTMPProtocolError):
        server.next_event()
    with pytest.raises(RTMPProtocolError):
        server.next_event()  # the connection stays failed
