"""Owncast's webhook signature header (``services/webhooks/auth.go``), and its check."""

from __future__ import annotations

import hashlib
import hmac
from typing import Final

HEADER: Final = "owncast-signature"
#: Receivers should refuse signatures this far from their clock (Owncast's VerifySignature).
TOLERANCE_SECONDS: Final = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """``t=<unix>.s=<hex HMAC-SHA256(secret, "<t>." + body)>``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp}.s={mac}"


def verify(secret: str, body: bytes, header: str, now: int) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within the tolerance (for `webhooks test`)."""
    fields = dict(part.strip().split("=", 1) for part in header.split(".") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header.strip())
