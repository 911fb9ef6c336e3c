"""The sign-in parts of one chat daemon (IndieAuth, fediverse codes, the provider) and their rate limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from owncast_cli.chat.auth import pkce, provider
from owncast_cli.chat.auth.fediverse_flow import FediverseSignIn
from owncast_cli.chat.auth.indieauth_flow import MAX_PENDING, PENDING_SECONDS, IndieAuthSignIn
from owncast_cli.chat.auth.limits import KeyedLimiter
from owncast_cli.chat.auth.pending import PendingStore
from owncast_cli.chat.auth.provider import Grant, ProviderError

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore

#: Per client address: 5 sign-ins started at once, then one every 12 s (5 a minute). A person
#: retries a typo a few times; a script probing accounts or endpoints is slowed to a crawl.
START_BURST: Final = 5
START_EVERY: Final = 12.0
#: Per client address, fediverse code checks: 10 at once, then one every 6 s. A code dies after
#: 5 wrong tries anyway (otp.py); this slows a script cycling through fresh codes.
VERIFY_BURST: Final = 10
VERIFY_EVERY: Final = 6.0


class SignIn:
    """IndieAuth and fediverse sign-in, the provider's codes, and the limits on their routes."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.indieauth = IndieAuthSignIn(core)
        self.fediverse = FediverseSignIn(core)
        self.start_limit = KeyedLimiter(burst=START_BURST, per=START_EVERY)
        self.verify_limit = KeyedLimiter(burst=VERIFY_BURST, per=VERIFY_EVERY)
        #: Codes this server issued as an IndieAuth provider (same lifetime and cap as Owncast's).
        self.provider_codes: PendingStore[Grant] = PendingStore(ttl=PENDING_SECONDS, capacity=MAX_PENDING)

    def start_allowed(self, address: str) -> float:
        """0 when a sign-in may start from ``address`` now, else the seconds to wait."""
        return self.start_limit.allow(address, self.core.clock.now())

    def verify_allowed(self, address: str) -> float:
        """0 when a fediverse code may be checked from ``address`` now, else the seconds to wait."""
        return self.verify_limit.allow(address, self.core.clock.now())

    # --- Owncast as the admin's IndieAuth server ----------------------------------------------

    def _server_url(self) -> str:
        server_url = str(self.core.config.get("server_url") or "")
        if not server_url:
            raise ProviderError("Owncast server URL must be set when using auth")
        return server_url

    def provider_grant(self, args: dict[str, str]) -> str:
        """Grant an authorization request (the admin is signed in): where to send the browser.

        Raises:
            ProviderError: an invalid request.
            TooManyPending: 1000 codes are outstanding.
        """
        problem = provider.check_request(args)
        if problem is not None:
            raise ProviderError(problem)
        issuer = self._server_url().rstrip("/") + "/"
        code = pkce.new_secret()
        grant = Grant(args["client_id"], args["redirect_uri"], args["code_challenge"])
        self.provider_codes.add(code, grant, self.core.clock.now())
        return provider.redirect_with_code(args["redirect_uri"], code, args["state"], issuer)

    def provider_redeem(self, form: dict[str, str]) -> dict[str, Any]:
        """Redeem a code with its PKCE verifier: the server's profile.

        Raises:
            ProviderError: unknown, used or expired code, or a wrong client, redirect or verifier.
        """
        # Taken whatever the outcome: a code gets one try, so a verifier cannot be guessed.
        grant = self.provider_codes.take(form.get("code", ""), self.core.clock.now())
        problem = provider.check_redemption(grant, client_id=form.get("client_id", ""),
                                            redirect_uri=form.get("redirect_uri", ""),
                                            verifier=form.get("code_verifier", ""))
        if problem is not None:
            raise ProviderError(problem)
        return provider.profile(self._server_url(), self.core.server_name)
