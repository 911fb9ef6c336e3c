"""Link a signed-in identity to the chat user, or log the browser into the user that holds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from owncast_cli.bus.catalog import ChatAction
from owncast_cli.chat.events import action_event
from owncast_cli.chat.rules import authenticated_as_message
from owncast_cli.chat.sanitize import render_trusted_markdown
from owncast_cli.repos import identities, users

if TYPE_CHECKING:
    from owncast_cli.chat.core import ChatCore
    from owncast_cli.repos.users import ChatUser


async def sign_in(core: ChatCore, *, access_token: str, user_id: str, display_name: str,
                  kind: str, key: str) -> ChatUser:
    """Owncast's end of every sign-in (handlers/auth/*): when another user holds the identity,
    re-point ``access_token`` to it and tell the chat "**old** is now authenticated as **new**"
    (only if the names differ, not stored); otherwise link the identity to ``user_id``, which
    becomes authenticated. Either way the browser's clients get the user's fresh info.

    Raises:
        LookupError: ``user_id`` no longer exists.
    """
    db, now = core.db, core.clock.now()

    def work() -> tuple[ChatUser, bool]:
        owner = identities.owner_of(db, kind, key)
        if owner is not None and owner != user_id:
            identities.point_token(db, access_token, owner, now)
            found = users.user_by_id(db, owner)
            if found is None:
                raise LookupError(f"no chat user {owner}")
            return found, True
        if owner is None:
            return identities.link(db, user_id, kind, key, now), False
        found = users.user_by_id(db, user_id)
        if found is None:
            raise LookupError(f"no chat user {user_id}")
        return found, False

    user, switched = await db.run_write(work)
    core.users.remember(user, access_token)
    if switched and display_name != user.display_name:
        body = render_trusted_markdown(authenticated_as_message(display_name, user.display_name)).strip()
        core.publish(ChatAction, action_event(body, core.server_name, now=now), broadcast=True)
    core.send_user_info(user)
    return user
