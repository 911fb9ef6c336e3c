"""HTTP Signatures: draft-cavage-12's own test vectors, round trips, and every refusal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpsig as independent  # the `httpsig` package from PyPI: someone else's draft-cavage code
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.protocols.activitypub import httpsig

KEY_PEM = (Path(__file__).parent / "cavage_test_key.pem").read_bytes()
KEY = serialization.load_pem_private_key(KEY_PEM, None)
assert isinstance(KEY, rsa.RSAPrivateKey)
PUBLIC = KEY.public_key()
BODY = b'{"hello": "world"}'
# draft-cavage-http-signatures-12, Appendix C: the request every vector signs.
TARGET = "/foo?param=value&pet=dog"
HEADERS = {"host": "example.com", "date": "Sun, 05 Jan 2014 21:31:40 GMT", "content-type": "application/json",
           "digest": "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", "content-length": "18"}
VECTORS = [
    # C.1 default test
    (("date",), "SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25"
                "WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM="),
    # C.2 basic test
    (("(request-target)", "host", "date"),
     "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+"
     "efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0="),
    # C.3 all headers test
    (("(request-target)", "host", "date", "content-type", "digest", "content-length"),
     "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+T"
     "AD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE="),
]
NOW = 1388957500.0  # 2014-01-05 21:31:40 UTC


def test_digest_of_the_draft_body() -> None:
    assert httpsig.digest(BODY) == HEADERS["digest"]


@pytest.mark.parametrize(("names", "expected"), VECTORS)
def test_draft_vectors_sign_and_verify(names: tuple[str, ...], expected: str) -> None:
    header = httpsig.sign("POST", TARGET, HEADERS, "Test", KEY, names)
    assert header == f'keyId="Test",algorithm="rsa-sha256",headers="{" ".join(names)}",signature="{expected}"'
    sig = httpsig.parse_signature(header)
    httpsig.verify(sig, "POST", TARGET, HEADERS, PUBLIC)
    with pytest.raises(httpsig.SignatureError):
        httpsig.verify(sig, "POST", TARGET, {**HEADERS, "date": "Sun, 05 Jan 2014 21:31:41 GMT"}, PUBLIC)


def test_a_signature_without_headers_covers_date_only() -> None:
    sig = httpsig.parse_signature(f'keyId="Test",algorithm="rsa-sha256",signature="{VECTORS[0][1]}"')
    assert sig.headers == ("date",)
    httpsig.verify(sig, "POST", TARGET, HEADERS, PUBLIC)


def test_the_independent_implementation_verifies_ours_and_we_verify_its() -> None:
    ours = httpsig.signed_headers("POST", "example.com", "/inbox", BODY, NOW, "Test", KEY)
    verifier = independent.HeaderVerifier(ours, KEY_PEM.decode(), list(httpsig.POST_HEADERS), "POST", "/inbox",
                                          sign_header="signature")
    assert verifier.verify()
    theirs = independent.HeaderSigner("Test", KEY_PEM.decode(), "rsa-sha256", list(httpsig.POST_HEADERS),
                                      sign_header="signature").sign(
        {"host": "example.com", "date": httpsig.http_date(NOW), "digest": httpsig.digest(BODY),
         "content-type": "application/activity+json"}, method="POST", path="/inbox")
    lowered = {k.lower(): v for k, v in theirs.items()}
    sig = httpsig.parse_signature(lowered["signature"])
    httpsig.check_request(sig, "POST", "/inbox", lowered, BODY, NOW, 60)
    httpsig.verify(sig, "POST", "/inbox", lowered, PUBLIC)


def _signed(body: bytes = BODY, now: float = NOW) -> tuple[httpsig.Signature, dict[str, str]]:
    headers = httpsig.signed_headers("POST", "example.com", "/inbox", body, now, "Test", KEY)
    return httpsig.parse_signature(headers["signature"]), headers


@pytest.mark.parametrize(("change", "reason"), [
    (lambda h, b: (h, b + b" "), "Digest header does not match"),
    (lambda h, b: ({k: v for k, v in h.items() if k != "digest"}, b), "SHA-256 Digest header is required"),
    (lambda h, b: ({k: v for k, v in h.items() if k != "host"}, b), "'host' is missing from the request"),
    (lambda h, b: ({**h, "digest": "MD5=abc"}, b), "SHA-256 Digest header is required"),
    (lambda h, b: ({**h, "date": "yesterday"}, b), "Date header is missing or malformed"),
])
def test_tampered_requests_are_refused(change: Callable[[dict[str, str], bytes], tuple[dict[str, str], bytes]],
                                       reason: str) -> None:
    sig, headers = _signed()
    headers, body = change(headers, BODY)
    with pytest.raises(httpsig.SignatureError, match=reason):
        httpsig.check_request(sig, "POST", "/inbox", headers, body, NOW, 60)
        httpsig.verify(sig, "POST", "/inbox", headers, PUBLIC)


def test_a_stale_or_future_date_is_refused() -> None:
    sig, headers = _signed(now=NOW - 3601)
    with pytest.raises(httpsig.SignatureError, match="outside the 3600 s window"):
        httpsig.check_request(sig, "POST", "/inbox", headers, BODY, NOW, 3600)
    sig, headers = _signed(now=NOW + 3601)
    with pytest.raises(httpsig.SignatureError, match="outside"):
        httpsig.check_request(sig, "POST", "/inbox", headers, BODY, NOW, 3600)


def test_a_signature_must_cover_the_digest_and_target_of_a_post() -> None:
    header = httpsig.sign("POST", "/inbox", {"date": httpsig.http_date(NOW)}, "Test", KEY, ("date",))
    with pytest.raises(httpsig.SignatureError, match=r"must cover \(request-target\), digest, host"):
        httpsig.check_request(httpsig.parse_signature(header), "POST", "/inbox",
                              {"date": httpsig.http_date(NOW), "digest": httpsig.digest(BODY)}, BODY, NOW, 60)


def test_a_wrong_key_does_not_verify() -> None:
    sig, headers = _signed()
    other = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    with pytest.raises(httpsig.SignatureError, match="does not verify"):
        httpsig.verify(sig, "POST", "/inbox", headers, other)


@pytest.mark.parametrize("value", ["", "keyId=Test", 'keyId="Test"', 'keyId="a",signature="***"', 'x="1" junk'])
def test_malformed_signature_headers(value: str) -> None:
    with pytest.raises(httpsig.SignatureError):
        httpsig.parse_signature(value)


@given(st.text(max_size=200))
def test_parsing_any_text_fails_cleanly_or_parses(value: str) -> None:
    try:
        sig = httpsig.parse_signature(value)
    except httpsig.SignatureError:
        return
    assert sig.key_id is not None


def test_only_rsa_public_keys_are_loaded() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(httpsig.SignatureError, match="only RSA"):
        httpsig.load_public_key(pem)
    with pytest.raises(httpsig.SignatureError, match="not a PEM"):
        httpsig.load_public_key("nope")
