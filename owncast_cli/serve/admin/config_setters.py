"""Every ``POST /api/admin/config/*`` setter: Owncast's path -> our config key, through one handler.

Each setter takes ``{"value": ...}``, normalises what Owncast's admin sends (numbers as floats,
tags as ``[{"value": "tag"}]``), then goes through the config table's validator and publishes
``config.changed`` like ``owncast config set`` does, so the CLI and the API cannot disagree. A
refused value is a 400 ``{"success": false, "message": ...}`` naming what is allowed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import trio

from owncast_cli.config.keys import KEYS
from owncast_cli.config.store import ConfigError
from owncast_cli.serve.admin.common import BadRequest, as_int, fail, json_object, ok
from owncast_cli.serve.admin.configure import set_values

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _string_items(value: Any) -> Any:
    """Owncast's admin sends string lists as ``[{"value": "x"}, ...]``; plain strings work too."""
    if not isinstance(value, list):
        return value
    return [item.get("value") if isinstance(item, dict) else item for item in value]


def _tags(value: Any) -> Any:
    items = _string_items(value)
    if isinstance(items, list):
        return [item.lstrip("#") if isinstance(item, str) else item for item in items]
    return items


def _server_url(value: Any) -> Any:
    """Owncast refuses a private-address server URL (federation and IndieAuth need a public one)."""
    if not isinstance(value, str):
        return value
    host = urlsplit(value).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return value.rstrip("/")
    if address.is_private:
        raise BadRequest("Server URL cannot be private")
    return value.rstrip("/")


@dataclass(frozen=True)
class Setter:
    key: str
    transform: Callable[[Any], Any] = lambda value: value
    message: str = "changed"


#: Path below /api/admin/config/ -> setter (Owncast webserver/handlers/admin/config.go and friends).
SETTERS: dict[str, Setter] = {
    "adminpass": Setter("admin_password_key"),
    "streamkeys": Setter("stream_keys"),
    "pagecontent": Setter("extra_page_content"),
    "streamtitle": Setter("stream_title"),
    "name": Setter("server_name"),
    "serversummary": Setter("server_summary"),
    "offlinemessage": Setter("custom_offline_message", _strip),
    "welcomemessage": Setter("server_welcome_message", _strip),
    "chat/disable": Setter("chat_disabled"),
    "chat/joinmessagesenabled": Setter("chat_join_messages_enabled"),
    "chat/establishedusermode": Setter("chat_established_users_only_mode"),
    "chat/forbiddenusernames": Setter("blocked_usernames", _string_items),
    "chat/suggestedusernames": Setter("suggested_usernames", _string_items),
    "chat/spamprotectionenabled": Setter("chat_spam_protection_enabled"),
    "chat/slurfilterenabled": Setter("chat_slur_filter_enabled"),
    "chat/requireauthentication": Setter("chat_require_authentication"),
    "video/codec": Setter("video_codec"),
    "video/streamlatencylevel": Setter("video_latency_level", as_int, "set stream latency"),
    "video/streamoutputvariants": Setter("video_stream_output_variants"),
    "appearance": Setter("custom_color_variable_values"),
    "tags": Setter("server_metadata_tags", _tags),
    "ffmpegpath": Setter("ffmpeg_path", _strip),
    "webserverport": Setter("http_port_number", as_int, "HTTP port set"),
    "webserverip": Setter("http_listen_address", _strip, "HTTP listen address set"),
    "rtmpserverport": Setter("rtmp_port_number", as_int, "rtmp port set"),
    "rtmpserverbindaddress": Setter("rtmp_listen_address", _strip, "rtmp bind address set"),
    "sockethostoverride": Setter("websocket_host_override", _strip, "websocket host override set"),
    "videoservingendpoint": Setter("video_serving_endpoint", _strip),
    "nsfw": Setter("nsfw"),
    "autoplay": Setter("autoplay"),
    "directoryenabled": Setter("directory_enabled", message="directory state changed"),
    "socialhandles": Setter("social_handles"),
    "s3": Setter("s3_storage_config"),
    "serverurl": Setter("server_url", _server_url, "server url set"),
    "externalactions": Setter("external_actions"),
    "customstyles": Setter("custom_styles"),
    "customjavascript": Setter("custom_javascript"),
    "hideviewercount": Setter("hide_viewer_count"),
    "disablesearchindexing": Setter("disable_search_indexing"),
    "federation/enable": Setter("federation_enabled"),
    "federation/private": Setter("federation_private"),
    "federation/showengagement": Setter("federation_show_engagement"),
    "federation/enablequotes": Setter("federation_enable_quotes"),
    "federation/hidefollowers": Setter("federation_hide_followers_tab"),
    "federation/username": Setter("federation_username", _strip),
    "federation/livemessage": Setter("federation_go_live_message"),
    "federation/blockdomains": Setter("federation_blocked_domains", _string_items),
    "notifications/discord": Setter("discord_configuration"),
    "notifications/browser": Setter("browser_push_configuration"),
    # Ours: go-live channels through apprise, each URL with its own message.
    "notifications/apprise": Setter("notifications_apprise_urls"),
}


async def _check_ffmpeg(path: str) -> str | None:
    """Owncast's VerifyFFMpegPath: the file must be an ffmpeg that runs. None when it is."""
    if not path:
        return None  # auto-detect
    from owncast_cli.media.ffmpeg import FFmpegError, inspect_ffmpeg

    try:
        await trio.to_thread.run_sync(inspect_ffmpeg, path)
    except FFmpegError as exc:
        return str(exc)
    return None


async def apply_setter(svc: Services, setter: Setter, body: dict[str, Any]) -> Any:
    """Validate and store one setter's value; the answer Owncast gives."""
    if "value" not in body:
        return fail('the body must be a JSON object such as {"value": ...}')
    try:
        value = setter.transform(body["value"])
    except BadRequest as exc:
        return fail(str(exc))
    if setter.key == "ffmpeg_path" and isinstance(value, str):
        problem = await _check_ffmpeg(value)
        if problem is not None:
            return fail(problem)
    try:
        await set_values(svc.ctx, {setter.key: value})
    except ConfigError as exc:
        return fail(str(exc))
    message = setter.message
    if not KEYS[setter.key].live:
        message += "; takes effect after restart"
    return ok(message)


def register(app: QuartTrio, svc: Services) -> None:
    for path, setter in SETTERS.items():

        async def handler(setter: Setter = setter) -> Any:
            try:
                body = await json_object('{"value": ...}')
            except BadRequest as exc:
                return fail(str(exc))
            return await apply_setter(svc, setter, body)

        app.add_url_rule(f"/api/admin/config/{path}", f"admin_config_{path.replace('/', '_')}",
                         handler, methods=["POST"])
