"""Fediverse accounts (sans-IO): parse ``@user@host``, the WebFinger query (RFC 7033), its answer."""

from __future__ import annotations

import re
from typing import Any, Final
from urllib.parse import urlencode

from owncast_cli.chat.auth.indieauth import SignInError

_USER = re.compile(r"^[A-Za-z0-9_.~-]{1,64}$")
_HOST = re.compile(r"^(?=.{1,253}(:\d{1,5})?$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$")
ACTIVITY_TYPES: Final = ("application/activity+json", 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"')
BAD_ACCOUNT: Final = "Enter your fediverse account as @you@server.example."


def parse_account(text: str) -> str:
    """``user@host`` (lower case) from ``@user@host``, ``user@host`` or ``acct:user@host``.

    Raises:
        SignInError: anything else.
    """
    text = text.strip().removeprefix("acct:").removeprefix("@")
    user, at, host = text.partition("@")
    if not at or not _USER.match(user) or not _HOST.match(host):
        raise SignInError(BAD_ACCOUNT)
    return f"{user}@{host}".lower()


def webfinger_url(account: str) -> str:
    """``https://host/.well-known/webfinger?resource=acct:user@host``."""
    host = account.partition("@")[2]
    return f"https://{host}/.well-known/webfinger?{urlencode({'resource': 'acct:' + account})}"


def check_actor(document: Any, asked: str) -> None:
    """Whether a WebFinger answer shows an ActivityPub actor (a ``self`` link of an
    ActivityStreams type). The account asked for stays the identity: a ``subject`` naming
    another account is not followed, so no host can have us message someone else's.

    Raises:
        SignInError: not a fediverse account.
    """
    links = document.get("links") if isinstance(document, dict) else None
    actor = isinstance(links, list) and any(
        isinstance(link, dict) and link.get("rel") == "self" and link.get("type") in ACTIVITY_TYPES
        and isinstance(link.get("href"), str) for link in links)
    if not actor:
        raise SignInError(f"{asked} is not a fediverse account.")
