"""Fediverse sign-in for chat users: look the account up, have federate DM a code, check it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from owncast_cli.bus.catalog import FediverseDirectMessageRequested
from owncast_cli.chat.auth import fetch
from owncast_cli.chat.auth.indieauth import SignInError
from owncast_cli.chat.auth.linking import sign_in
from owncast_cli.chat.auth.otp import CODE_REFUSED, Codes, code_message
from owncast_cli.chat.auth.webfinger import check_actor, parse_account, webfinger_url
from owncast_cli.repos import identities

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore
    from owncast_cli.repos.users import ChatUser


class FediverseSignIn:
    """Pending codes of one chat daemon; the DM itself is federate's (a bus event)."""

    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.codes = Codes()

    async def request_code(self, user: ChatUser, access_token: str, account_text: str) -> None:
        """Check the account by WebFinger (through the SSRF guard), then ask federate to send it
        a code, unless one is already on its way.

        Raises:
            SignInError: not an account, or its server cannot be reached.
            TooManyPending: too many codes outstanding.
        """
        if not self.core.config.get("federation_enabled"):
            # federate sends the message only while federation is on (Owncast's wording around it).
            raise SignInError("Could not send code to fediverse: federation is not enabled on this server")
        account = parse_account(account_text)
        async with fetch.guarded(self.core.config) as client:
            response, body = await fetch.get(client, webfinger_url(account), "application/jrd+json, application/json")
        if response.status_code != 200:
            raise SignInError(f"@{account} is not a fediverse account.")
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        check_actor(document, "@" + account)
        issued = self.codes.issue(access_token, account, user.id, user.display_name, self.core.clock.now())
        if issued is None:
            return  # the code already sent is still good
        text = code_message(self.core.server_name, issued.code)
        self.core.publish(FediverseDirectMessageRequested, {"account": account, "text": text}, broadcast=False)

    async def verify(self, access_token: str, code: str) -> ChatUser:
        """The right code links the account (or logs into the user holding it).

        Raises:
            SignInError: Owncast's one message for a wrong, expired, spent or missing code.
        """
        pending = self.codes.check(access_token, code, self.core.clock.now())
        if pending is None:
            raise SignInError(CODE_REFUSED)
        try:
            return await sign_in(self.core, access_token=access_token, user_id=pending.user_id,
                                 display_name=pending.display_name, kind=identities.FEDIVERSE, key=pending.account)
        except LookupError:
            raise SignInError(CODE_REFUSED) from None
