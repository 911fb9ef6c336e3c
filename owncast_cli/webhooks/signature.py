"""Owncast's webhook signature header (``services/webhooks/auth.go``). Receivers check it with
their own code (Owncast documents a check that refuses timestamps over 300 s off)."""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

HEADER: Final = "owncast-signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """``t=<unix>.s=<hex HMAC-SHA256(secret, "<t>." + body)>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp}.s={mac}"
