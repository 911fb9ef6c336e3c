"""Web Push, sans-IO: RFC 8291's worked example byte for byte, keys and subscriptions."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from owncast_cli.protocols import webpush

# RFC 8291 section 5 and appendix A.
PLAINTEXT = b"When I grow up, I want to be a watermelon"
AUTH = "BTBZMqHH6r4Tts7J_aSIgg"
UA_PUBLIC = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
AS_PRIVATE = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
SALT = "DGv6ra1nlYgDCS1FRnbzlw"
EXPECTED = ("DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
            "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Q"
            "ulcy4a-fN")


def test_rfc8291_example() -> None:
    sub = webpush.Subscription("https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
                               webpush.unb64url(UA_PUBLIC), webpush.unb64url(AUTH))
    sender = ec.derive_private_key(int.from_bytes(webpush.unb64url(AS_PRIVATE), "big"), ec.SECP256R1())
    body = webpush.encrypt(PLAINTEXT, sub, salt=webpush.unb64url(SALT), sender=sender)
    assert webpush.b64url(body) == EXPECTED


def test_generated_keys_have_owncasts_shape_and_sign() -> None:
    private, public = webpush.generate_vapid_keys()
    assert len(webpush.unb64url(private)) == 32 and webpush.unb64url(public)[:1] == b"\x04"
    header = webpush.vapid_header("https://fcm.googleapis.com/fcm/send/x", private, public, "a@b.example", 1000)
    token = header.removeprefix("vapid t=").split(",")[0]
    claims = json.loads(webpush.unb64url(token.split(".")[1]))
    assert claims == {"aud": "https://fcm.googleapis.com", "exp": 1000 + 12 * 3600, "sub": "mailto:a@b.example"}
    assert header.endswith(f", k={public}")


@pytest.mark.parametrize("text", ["", "{}", '{"endpoint": "ftp://x", "keys": {"p256dh": "", "auth": ""}}',
                                  json.dumps({"endpoint": "https://p.example/1", "keys": {"p256dh": "AAAA", "auth": AUTH}}),
                                  json.dumps({"endpoint": "https://p.example/1", "keys": {"p256dh": UA_PUBLIC}})])
def test_bad_subscriptions_are_refused_with_a_reason(text: str) -> None:
    with pytest.raises(ValueError, match="PushSubscription|endpoint|keys"):
        webpush.Subscription.parse(text)


def test_a_too_long_message_is_refused() -> None:
    sub = webpush.Subscription("https://p.example/1", webpush.unb64url(UA_PUBLIC), webpush.unb64url(AUTH))
    with pytest.raises(ValueError, match="4096"):
        webpush.encrypt(b"x" * 5000, sub)
