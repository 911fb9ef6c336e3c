"""IndieAuth sign-in for chat users: start (discover, remember, redirect), then the callback."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.chat.auth import fetch, pkce
from owncast_cli.chat.auth.indieauth import (
    AuthRequest,
    SignInError,
    authorization_url,
    callback_url,
    checked_endpoint,
    discover,
    issuer_matches,
    metadata_endpoint,
    profile_url,
    redeemed_me,
    redemption_form,
)
from owncast_cli.chat.auth.linking import sign_in
from owncast_cli.chat.auth.pending import PendingStore
from owncast_cli.repos import identities

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore
    from owncast_cli.repos.users import ChatUser

#: Owncast: at most 1000 pending requests, forgotten after 10 minutes (auth/indieauth).
PENDING_SECONDS: Final = 600.0
MAX_PENDING: Final = 1000
#: Profile pages parsed at once (each in a worker thread).
PARSERS: Final = 2


class IndieAuthSignIn:
    """The pending requests of one chat daemon, by browser session (the sign-in cookie)."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.pending: PendingStore[AuthRequest] = PendingStore(ttl=PENDING_SECONDS, capacity=MAX_PENDING)
        self.parsers = trio.CapacityLimiter(PARSERS)

    async def start(self, user: ChatUser, access_token: str, auth_host: str, session: str) -> str:
        """Discover the viewer's authorization endpoint and remember the request; the URL to send
        the browser to.

        Raises:
            SignInError: what to tell the viewer.
            TooManyPending: 1000 sign-ins are under way.
        """
        server_url = str(self.core.config.get("server_url") or "").rstrip("/")
        if not server_url:
            raise SignInError("Owncast server URL must be set when using auth")
        me = profile_url(auth_host)
        endpoint, issuer = await self._authorization_endpoint(me)
        request = AuthRequest(
            me=me, endpoint=checked_endpoint(endpoint), client_id=server_url + "/",
            redirect_uri=callback_url(server_url), verifier=pkce.new_verifier(), state=pkce.new_secret(),
            session=session, user_id=user.id, access_token=access_token, display_name=user.display_name,
            issuer=issuer)
        self.pending.add(session, request, self.core.clock.now())
        return authorization_url(request, pkce.challenge(request.verifier))

    async def _authorization_endpoint(self, me: str) -> tuple[str, str | None]:
        """The endpoint, and the issuer when a metadata document names one."""
        async with fetch.guarded(self.core.config) as client:
            response, body = await fetch.get(client, me, "text/html, */*;q=0.5")
            if response.status_code >= 400:
                raise SignInError(f"{response.url.host} answered {response.status_code}")
            base = str(response.url)
            html = fetch.decode_text(response, body) if "html" in response.headers.get("content-type", "") else None
            # html5lib parses ~160 KiB/s: off the event loop, two at a time (measured 2.9 s for
            # 480 KiB, which would have stalled every chat socket).
            found = await trio.to_thread.run_sync(discover, base, response.headers.get_list("link"), html,
                                                  limiter=self.parsers)
            if found.metadata is None:
                assert found.authorization is not None
                return found.authorization, None
            response, body = await fetch.get(client, found.metadata, "application/json")
            try:
                document = json.loads(body)
            except ValueError:
                raise SignInError("url does not support indieauth") from None
            return metadata_endpoint(document, str(response.url))

    async def finish(self, session: str, state: str, code: str, iss: str = "") -> ChatUser:
        """The callback: the request of this browser, its state, the code redeemed, the identity
        linked (or its user logged into).

        Raises:
            SignInError: anything wrong (the route tells the viewer no more than that it failed).
        """
        request = self.pending.take(session, self.core.clock.now()) if session else None
        # Single use: a wrong state spends the request too, so a guessed one gets one try.
        if request is None or not state or not pkce.same(request.state, state):
            raise SignInError("no auth requests pending")
        if not code:
            raise SignInError("the IndieAuth server sent no code")
        if not issuer_matches(request, iss):
            raise SignInError("the callback's iss is not the server's issuer")
        async with fetch.guarded(self.core.config) as client:
            status, document = await fetch.post_form(client, request.endpoint, redemption_form(request, code))
        me = redeemed_me(request, status, document)
        try:
            return await sign_in(self.core, access_token=request.access_token, user_id=request.user_id,
                                 display_name=request.display_name, kind=identities.INDIEAUTH, key=me)
        except LookupError:
            raise SignInError("the chat user is gone") from None
