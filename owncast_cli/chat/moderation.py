"""Chat moderation: hide messages, disable and delete users, ban addresses, moderators, tokens.

Called by the moderator routes (a moderator's chat token), the admin routes and the integrations
(see routes.py). Each action changes the database first, then the connected clients.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import trio

from owncast_cli.bus.catalog import ChatUserDisabled, ChatUserEnabled, ChatUserUpdated, ChatVisibilityUpdate
from owncast_cli.chat.events import (
    EventType,
    Payload,
    format_timestamp,
    new_event_id,
    user_disabled_event,
    user_payload,
    visibility_update_event,
)
from owncast_cli.chat.names import random_display_color
from owncast_cli.chat.rules import user_removed_message
from owncast_cli.repos import chat_messages, users
from owncast_cli.repos.users import MODERATOR_SCOPE, AccessToken, ChatUser

if TYPE_CHECKING:
    from owncast_cli.bus.eventtype import BusEvent
    from owncast_cli.chat.core import ChatCore
    from owncast_cli.chat.hub import Client

#: Owncast closes a disabled user's clients this long after ERROR_USER_DISABLED.
DISABLE_CLOSE_SECONDS: Final = 2.0


class NotFound(LookupError):
    """A moderation target that does not exist."""


class Moderation:
    def __init__(self, core: ChatCore) -> None:
        self.core = core
        self.db = core.db
        self.nursery: trio.Nursery | None = None  # set while the daemon runs: delayed kicks

    async def set_visibility(self, ids: list[str], visible: bool) -> list[str]:
        """Hide or show messages; returns the ids that exist."""
        core = self.core
        await core.outbox.flush()  # the message to hide may still be on its way to the database
        now = core.clock.now()
        found = await self.db.run_write(lambda: chat_messages.set_hidden(self.db, ids, None if visible else now))
        if found:
            payload = visibility_update_event(found, visible, now=now)
            core.publish(ChatVisibilityUpdate, payload, broadcast=True, data={**payload, "user": None})
        return found

    async def set_user_enabled(self, user_id: str, enabled: bool) -> ChatUser:
        """Enable or disable a user; disabling hides its messages, bans its addresses, kicks it."""
        core, db = self.core, self.db
        await core.outbox.flush()
        now = core.clock.now()
        # Owncast bans every address the user is connected from, except loopback.
        ips = sorted({c.ip for c in core.hub.user_clients(user_id) if not _is_loopback(c.ip)})

        def work() -> tuple[ChatUser | None, list[str]]:
            user = users.set_disabled(db, user_id, None if enabled else now)
            if user is None or enabled:
                return user, []
            for ip in ips:
                chat_messages.ban_ip(db, ip, f"Banning of {user.display_name}", now)
            return user, chat_messages.hide_by_user(db, user_id, now)

        user, hidden = await db.run_write(work)
        if user is None:
            raise NotFound(user_id)
        core.users.remember(user)
        core.publish(ChatUserEnabled if enabled else ChatUserDisabled, {"user": user_payload(user)}, broadcast=False)
        if enabled:
            return user
        if hidden:
            payload = visibility_update_event(hidden, False, now=now)
            core.publish(ChatVisibilityUpdate, payload, broadcast=True, data={**payload, "user": None})
        core.banned.update(ips)
        for client in core.hub.user_clients(user_id):
            core.send(client, user_disabled_event(None, now=now))
            if self.nursery is not None:
                self.nursery.start_soon(self._kick_later, client)
        core.announce(EventType.CHAT_ACTION, user_removed_message(user.display_name))
        return user

    async def _kick_later(self, client: Client) -> None:
        await trio.sleep(DISABLE_CLOSE_SECONDS)
        client.kick("disabled")

    async def set_moderator(self, user_id: str, moderator: bool) -> None:
        """Grant or take the moderator scope; chat.user_updated makes the daemon re-send user info."""
        db, found = self.db, []

        def effect() -> list[BusEvent]:
            user = users.user_by_id(db, user_id)
            found.append(user)
            if user is not None:
                scopes = set(user.scopes)
                users.set_scopes(db, user_id, scopes | {MODERATOR_SCOPE} if moderator else scopes - {MODERATOR_SCOPE})
            return []

        await self.core.bus.publish_many([ChatUserUpdated(user_id, moderator=moderator)], effect=effect)
        if found[0] is None:
            raise NotFound(user_id)

    async def ban_ip(self, ip: str) -> None:
        now = self.core.clock.now()
        await self.db.run_write(lambda: chat_messages.ban_ip(self.db, ip, "manually added", now))
        self.core.banned.add(ip)
        for client in list(self.core.hub.clients.values()):
            if client.ip == ip:
                client.kick("disabled")

    async def unban_ip(self, ip: str) -> bool:
        """Lift a ban; False if the address was not banned."""
        removed = await self.db.run_write(lambda: chat_messages.unban_ip(self.db, ip))
        self.core.banned.discard(ip)
        return removed

    async def delete_user(self, user_id: str) -> None:
        """Delete a user, its messages and tokens, and close its connections."""
        db = self.db

        def work() -> bool:
            chat_messages.delete_by_user(db, user_id)
            return users.delete_user(db, user_id)

        if not await db.run_write(work):
            raise NotFound(user_id)
        for client in self.core.hub.user_clients(user_id):
            client.kick("disabled")
        self.core.users.forget(user_id)

    async def create_token(self, name: str, scopes: list[str]) -> AccessToken:
        core, user_id = self.core, new_event_id()
        color, now = random_display_color(core.rng), core.clock.now()
        return await self.db.run_write(lambda: users.create_access_token(
            self.db, user_id=user_id, name=name, scopes=scopes, color=color, now=now))

    async def revoke_token(self, token: str) -> bool:
        """Disable the token's API user and drop the token (Owncast); False if unknown."""
        now = self.core.clock.now()
        user_id = await self.db.run_write(lambda: users.revoke_access_token(self.db, token, now))
        if user_id is None:
            return False
        self.core.users.forget(user_id)
        return True

    async def user_details(self, user_id: str) -> Payload:
        """Owncast's moderation view of a user: the user, its connections, its messages."""
        core = self.core
        user = await core.users.refresh(user_id)
        if user is None:
            raise NotFound(user_id)
        messages = await self.db.run(lambda: chat_messages.by_user(self.db, user_id))
        # Owncast's moderation view gives only the country code of a client's GeoIP details.
        clients = [
            {"connectedAt": format_timestamp(c.connected_at), "userAgent": c.user_agent,
             "geo": (core.geoip.lookup(c.ip) or {}).get("countryCode", ""), "id": c.id,
             "messageCount": c.message_count}
            for c in sorted(core.hub.user_clients(user_id), key=lambda c: c.id)
        ]
        return {"user": user_payload(user), "connectedClients": clients,
                "messages": [core.stored_payload(m, user) for m in messages]}


def _is_loopback(ip: str) -> bool:
    return ip in ("127.0.0.1", "::1", "unix", "") or ip.startswith("127.")
