"""Every ``POST /api/admin/config/*`` setter: Owncast's path -> our config key, through one handler.

Each setter takes ``{"value": ...}``, normalises what Owncast's admin sends (numbers as floats,
tags as ``[{"value": "tag"}]``), then goes through the config table's validator and publishes
``config.changed`` like ``owncast config set`` does, so the CLI and the API cannot disagree. A
refused value is a 400 ``{"success": false, "message": ...}``: Owncast's words where its handler
checks the value itself (:mod:`prechecks`), else the validator's, naming what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import trio

from owncast_cli.config.keys import KEYS
from owncast_cli.config.store import ConfigError
from owncast_cli.serve.admin import prechecks
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


@dataclass(frozen=True)
class Setter:
    key: str
    transform: Callable[[Any], Any] = lambda value: value
    #: Owncast's answer on success, and to a body it cannot decode (its exact texts).
    message: str = "changed"
    unparsable: str = "unable to parse new value"


_LIST = "unable to parse array of values"

#: Path below /api/admin/config/ -> setter (Owncast webserver/handlers/admin/config.go,
#: appearance.go, federation.go, notifications.go; the messages are theirs).
SETTERS: dict[str, Setter] = {
    "adminpass": Setter("admin_password_key"),
    "streamkeys": Setter("stream_keys", prechecks.stream_keys,
                         unparsable="unable to update stream keys with provided values"),
    "pagecontent": Setter("extra_page_content"),
    "streamtitle": Setter("stream_title"),
    "name": Setter("server_name"),
    "serversummary": Setter("server_summary"),
    "offlinemessage": Setter("custom_offline_message", _strip),
    "welcomemessage": Setter("server_welcome_message", _strip),
    "chat/disable": Setter("chat_disabled", message="chat disabled status updated"),
    "chat/joinmessagesenabled": Setter("chat_join_messages_enabled", message="chat join message status updated"),
    "chat/establishedusermode": Setter("chat_established_users_only_mode",
                                       message="chat established users only mode updated"),
    "chat/forbiddenusernames": Setter("blocked_usernames", _string_items, "forbidden username list updated",
                                      "unable to update forbidden usernames with provided values"),
    "chat/suggestedusernames": Setter("suggested_usernames", _string_items, "suggested username list updated",
                                      "unable to update suggested usernames with provided values"),
    "chat/spamprotectionenabled": Setter("chat_spam_protection_enabled", message="chat spam protection changed"),
    "chat/slurfilterenabled": Setter("chat_slur_filter_enabled", message="chat message slur filter changed"),
    "chat/requireauthentication": Setter("chat_require_authentication",
                                         message="chat authentication requirement changed"),
    "video/codec": Setter("video_codec", message="video codec updated"),
    "video/streamlatencylevel": Setter("video_latency_level", as_int, "set stream latency"),
    "video/streamoutputvariants": Setter("video_stream_output_variants", message="stream output variants updated",
                                         unparsable="unable to update video config with provided values"),
    "appearance": Setter("custom_color_variable_values", message="custom appearance variables updated",
                         unparsable="unable to update appearance variable values"),
    "tags": Setter("server_metadata_tags", _tags, unparsable=_LIST),
    "ffmpegpath": Setter("ffmpeg_path", _strip),
    "webserverport": Setter("http_port_number", prechecks.http_port, "HTTP port set"),
    "webserverip": Setter("http_listen_address", prechecks.listen_ip, "HTTP listen address set"),
    "rtmpserverport": Setter("rtmp_port_number", as_int, "rtmp port set"),
    "rtmpserverbindaddress": Setter("rtmp_listen_address", _strip, "rtmp bind address set"),
    "sockethostoverride": Setter("websocket_host_override", _strip, "websocket host override set"),
    "videoservingendpoint": Setter("video_serving_endpoint", _strip, "custom video serving endpoint updated"),
    "nsfw": Setter("nsfw"),
    "autoplay": Setter("autoplay", prechecks.autoplay),
    "directoryenabled": Setter("directory_enabled", message="directory state changed"),
    "socialhandles": Setter("social_handles", message="social handles updated",
                            unparsable="unable to update social handles with provided values"),
    "s3": Setter("s3_storage_config", prechecks.s3, message="storage configuration changed",
                 unparsable="unable to update s3 config with provided values"),
    "serverurl": Setter("server_url", prechecks.server_url, "server url set"),
    "externalactions": Setter("external_actions", message="external actions update",
                              unparsable="unable to update external actions with provided values"),
    "customstyles": Setter("custom_styles", message="custom styles updated"),
    # Owncast's SetCustomJavascript answers with the styles' text; kept so clients see the same.
    "customjavascript": Setter("custom_javascript", message="custom styles updated"),
    "hideviewercount": Setter("hide_viewer_count", message="hide viewer count setting updated"),
    "disablesearchindexing": Setter("disable_search_indexing", message="search indexing support updated"),
    "federation/enable": Setter("federation_enabled", message="federation features saved"),
    "federation/private": Setter("federation_private", message="federation private saved"),
    "federation/showengagement": Setter("federation_show_engagement", message="federation show engagement saved"),
    "federation/enablequotes": Setter("federation_enable_quotes"),
    "federation/hidefollowers": Setter("federation_hide_followers_tab"),
    "federation/username": Setter("federation_username", _strip, "username saved"),
    "federation/livemessage": Setter("federation_go_live_message", message="message saved"),
    "federation/blockdomains": Setter("federation_blocked_domains", _string_items, "saved", _LIST),
    "notifications/discord": Setter("discord_configuration", message="updated discord config with provided values",
                                    unparsable="unable to update discord config with provided values"),
    "notifications/browser": Setter("browser_push_configuration",
                                    message="updated browser push config with provided values",
                                    unparsable="unable to update browser push config with provided values"),
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
        return fail("value field is required")  # Owncast's appearance.go text (the others crash)
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
            except BadRequest:
                return fail(setter.unparsable)
            return await apply_setter(svc, setter, body)

        app.add_url_rule(f"/api/admin/config/{path}", f"admin_config_{path.replace('/', '_')}",
                         handler, methods=["POST"])
