"""Every HTTP route of the chat daemon, in one table, and the Quart blueprints built from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from quart import Blueprint

from owncast_cli.chat import admin_routes as admin
from owncast_cli.chat import integration_routes as integrations
from owncast_cli.chat import public_routes as public
from owncast_cli.chat.auth import routes as auth

Handler = Callable[..., Any]

#: (blueprint, methods, path, handler). Owncast's legacy paths share their handler.
ROUTES: Final[list[tuple[str, tuple[str, ...], str, Handler]]] = [
    ("chat", ("POST", "OPTIONS"), "/api/chat/register", public.register),
    ("chat", ("GET",), "/api/chat", public.history),
    ("chat", ("POST",), "/api/chat/messagevisibility", public.message_visibility),
    ("chat", ("POST",), "/api/chat/updatemessagevisibility", public.message_visibility),
    ("chat", ("POST",), "/api/chat/users/setenabled", public.set_enabled),
    ("chat", ("GET",), "/api/moderation/chat/user/<user_id>", public.user_details),

    ("chat_auth", ("POST",), "/api/auth/indieauth", auth.indieauth_start),
    ("chat_auth", ("GET",), "/api/auth/indieauth/callback", auth.indieauth_callback),
    ("chat_auth", ("POST",), "/api/auth/fediverse", auth.fediverse_start),
    ("chat_auth", ("POST",), "/api/auth/fediverse/verify", auth.fediverse_verify),
    ("chat_auth", ("GET",), "/api/auth/provider/indieauth", auth.provider_authorize),
    ("chat_auth", ("POST",), "/api/auth/provider/indieauth", auth.provider_redeem),

    ("chat_admin", ("GET",), "/api/admin/chat/clients", admin.chat_clients),
    ("chat_admin", ("GET",), "/api/admin/chat/messages", admin.chat_messages),
    ("chat_admin", ("POST",), "/api/admin/chat/messagevisibility", admin.visibility),
    ("chat_admin", ("POST",), "/api/admin/chat/updatemessagevisibility", admin.visibility),
    ("chat_admin", ("POST",), "/api/admin/chat/users/setenabled", admin.set_enabled),
    ("chat_admin", ("GET",), "/api/admin/chat/users/disabled", admin.disabled_users),
    ("chat_admin", ("POST",), "/api/admin/chat/users/setmoderator", admin.set_moderator),
    ("chat_admin", ("GET",), "/api/admin/chat/users/moderators", admin.moderators),
    ("chat_admin", ("GET",), "/api/admin/chat/users/ipbans", admin.ip_bans),
    ("chat_admin", ("POST",), "/api/admin/chat/users/ipbans/create", admin.ban_ip),
    ("chat_admin", ("POST",), "/api/admin/chat/users/ipbans/remove", admin.unban_ip),
    ("chat_admin", ("GET",), "/api/admin/users", admin.users),
    ("chat_admin", ("POST",), "/api/admin/users/delete", admin.delete_user),
    ("chat_admin", ("GET",), "/api/admin/accesstokens", admin.access_tokens),
    ("chat_admin", ("POST",), "/api/admin/accesstokens/create", admin.create_access_token),
    ("chat_admin", ("POST",), "/api/admin/accesstokens/delete", admin.delete_access_token),

    ("chat_integrations", ("POST",), "/api/integrations/chat/send", integrations.send),
    ("chat_integrations", ("POST",), "/api/integrations/chat/user", integrations.user_message),
    ("chat_integrations", ("POST",), "/api/integrations/chat/system", integrations.system),
    ("chat_integrations", ("POST",), "/api/integrations/chat/system/client/<client_id>",
     integrations.system_to_client),
    ("chat_integrations", ("POST",), "/api/integrations/chat/action", integrations.action),
    ("chat_integrations", ("POST",), "/api/integrations/chat/messagevisibility", admin.visibility),
    ("chat_integrations", ("GET",), "/api/integrations/chat", integrations.history),
    ("chat_integrations", ("GET",), "/api/integrations/clients", admin.chat_clients),
    ("chat_integrations", ("GET",), "/api/integrations/moderation/chat/user/<user_id>",
     integrations.user_details),
]


def blueprints() -> list[Blueprint]:
    """One blueprint per group of :data:`ROUTES`."""
    built: dict[str, Blueprint] = {}
    for name, methods, path, handler in ROUTES:
        blueprint = built.setdefault(name, Blueprint(name, __name__))
        endpoint = f"{handler.__module__.rsplit('.', 1)[-1]}_{handler.__name__}"
        blueprint.add_url_rule(path, endpoint=endpoint, view_func=handler, methods=list(methods))
    return list(built.values())
