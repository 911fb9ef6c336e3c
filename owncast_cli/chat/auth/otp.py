"""Fediverse sign-in codes (sans-IO; time is passed in): issue, check, expire, limit attempts.

Owncast (auth/fediverse): a 6-digit code sent as a direct message, one pending per access token,
a code already pending for the same account is not sent again, valid 10 minutes. Here a code
also dies after MAX_ATTEMPTS wrong tries, so guessing one is a 5 in a million chance, and the
verify route is rate limited per address on top.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from owncast_cli.chat.auth import pkce
from owncast_cli.chat.auth.pending import PendingStore

CODE_DIGITS: Final = 6
CODE_SECONDS: Final = 600.0
MAX_ATTEMPTS: Final = 5
MAX_PENDING: Final = 1000
#: Owncast's wording for every failed check: it does not say which part was wrong.
CODE_REFUSED: Final = "Incorrect or expired code. Please request a new one and try again."


def new_code() -> str:
    """Six decimal digits, uniformly random (Owncast's byte-modulo is slightly biased)."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_message(server_name: str, code: str) -> str:
    """The direct message, as plain text: Owncast's words (RegisterFediverseOTPRequest) without
    its ``<p>``, since federate escapes the text into the note's HTML (a server name with ``<``
    in it stays text)."""
    return f"One-time code from {server_name}: {code}. If you did not request this message please ignore or block."


@dataclass
class PendingCode:
    code: str
    account: str
    user_id: str
    display_name: str
    failures: int = 0


class Codes:
    """Pending codes by access token."""

    def __init__(self) -> None:
        self.pending: PendingStore[PendingCode] = PendingStore(ttl=CODE_SECONDS, capacity=MAX_PENDING)

    def issue(self, token: str, account: str, user_id: str, display_name: str, now: float) -> PendingCode | None:
        """A new code to send, or None when a live one for this account is already pending (the
        viewer enters that one; no second message).

        Raises:
            TooManyPending: MAX_PENDING codes are outstanding.
        """
        live = self.pending.peek(token, now)
        if live is not None and live.account == account and live.failures < MAX_ATTEMPTS:
            return None
        issued = PendingCode(new_code(), account, user_id, display_name)
        self.pending.add(token, issued, now)
        return issued

    def check(self, token: str, code: str, now: float) -> PendingCode | None:
        """The pending sign-in if ``code`` is right (it is then spent), else None; a wrong code
        counts against the pending one, which dies at MAX_ATTEMPTS."""
        live = self.pending.peek(token, now)
        if live is None:
            return None
        if pkce.same(live.code, code.strip()):
            self.pending.discard(token)
            return live
        live.failures += 1
        if live.failures >= MAX_ATTEMPTS:
            self.pending.discard(token)
        return None
