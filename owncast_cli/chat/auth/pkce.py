"""PKCE (RFC 7636) with S256, random state and codes, and constant-time comparison."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random string (verifiers, states, codes, session ids)."""
    return secrets.token_urlsafe(nbytes)


def new_verifier() -> str:
    """A code verifier: 64 characters of the unreserved set (RFC 7636 4.1 allows 43 to 128)."""
    return secrets.token_urlsafe(48)


def challenge(verifier: str) -> str:
    """The S256 code challenge: BASE64URL(SHA256(verifier)) without padding (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def same(a: str, b: str) -> bool:
    """Compare secrets in constant time (a timing difference must not reveal a prefix)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"), b.encode("utf-8", "surrogatepass"))


def verifier_matches(verifier: str, expected_challenge: str) -> bool:
    """Whether ``verifier`` is the one whose S256 challenge was ``expected_challenge``."""
    return same(challenge(verifier), expected_challenge)
