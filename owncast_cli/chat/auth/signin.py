"""The sign-in parts of one chat daemon, and the rate limit on the routes that start a sign-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from owncast_cli.chat.auth.indieauth_flow import IndieAuthSignIn
from owncast_cli.chat.auth.limits import KeyedLimiter

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore

#: Per client address: 5 sign-ins started at once, then one every 12 s (5 a minute). A person
#: retries a typo a few times; a script probing accounts or endpoints is slowed to a crawl.
START_BURST: Final = 5
START_EVERY: Final = 12.0


class SignIn:
    """IndieAuth, fediverse codes and the provider, with one limiter for their start routes."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.indieauth = IndieAuthSignIn(core)
        self.start_limit = KeyedLimiter(burst=START_BURST, per=START_EVERY)

    def start_allowed(self, address: str) -> float:
        """0 when a sign-in may start from ``address`` now, else the seconds to wait."""
        return self.start_limit.allow(address, self.core.clock.now())
