"""Owncast's public API shapes: status, config, yp, social platforms, variants, emoji."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

from owncast_cli import __version__, markup, state
from owncast_cli.config.values import ConfigValues
from owncast_cli.media.variants import StreamOutputVariant, VariantError
from owncast_cli.serve.platforms import PLATFORMS, social_icon

MAX_SOCKET_PAYLOAD = 2048
VERSION_STRING = f"Owncast (Python) v{__version__}"
_GO_INT = re.compile(r"[+-]?[0-9]+")


def pagination_problem(args: Mapping[str, str]) -> str | None:
    """Why ``offset``/``limit`` are refused, or None: Owncast's HandlePagination takes any value
    Go's ``strconv.Atoi`` parses (negative ones too), and nothing else.
    """
    for name in ("offset", "limit"):
        value = args.get(name)
        if value and not (_GO_INT.fullmatch(value) and -(2**63) <= int(value) < 2**63):
            return f"{name} must be an integer (got {value!r})"
    return None


def status(stream: dict[str, Any], viewers: dict[str, int], config: ConfigValues) -> dict[str, Any]:
    body: dict[str, Any] = {
        "serverTime": state.rfc3339(),
        "lastConnectTime": stream["lastConnectTime"],
        "lastDisconnectTime": stream["lastDisconnectTime"],
        "versionNumber": __version__,
        "online": bool(stream["online"]),
    }
    # Owncast omits the count when the admin hides it, and an unset title.
    if not config.hide_viewer_count:
        body["viewerCount"] = viewers["current"]
    if config.stream_title:
        body["streamTitle"] = config.stream_title
    return body


def _with_icon(handle: dict[str, str]) -> dict[str, str]:
    icon = social_icon(handle["platform"])
    return {**handle, "icon": icon} if icon else dict(handle)


def web_config(config: ConfigValues, *, follower_count: int = 0) -> dict[str, Any]:
    server_url = config.server_url
    host = urlparse(server_url).netloc if server_url else ""
    push = config.browser_push_configuration
    body: dict[str, Any] = {
        "name": config.server_name,
        "summary": config.server_summary,
        "offlineMessage": markup.render_offline_message(config.custom_offline_message),
        "logo": "/logo",
        "tags": config.server_metadata_tags,
        "version": VERSION_STRING,
        "nsfw": config.nsfw,
        "socketHostOverride": config.websocket_host_override,
        "extraPageContent": markup.render_page_markdown(config.extra_page_content),
        "socialHandles": [_with_icon(handle) for handle in config.social_handles],
        "externalActions": config.external_actions,
        "customStyles": config.custom_styles,
        "appearanceVariables": config.custom_color_variable_values,
        "hideViewerCount": config.hide_viewer_count,
        "chatDisabled": config.chat_disabled,
        "chatSpamProtectionDisabled": not config.chat_spam_protection_enabled,
        "chatRequireAuthentication": config.chat_require_authentication,
        "maxSocketPayloadSize": MAX_SOCKET_PAYLOAD,
        "autoplay": config.autoplay,
        "federation": {
            "enabled": config.federation_enabled,
            "account": f"{config.federation_username}@{host}",
            "followerCount": follower_count,
            "hideFollowersTab": config.federation_hide_followers_tab,
        },
        "notifications": {
            "browser": {
                "enabled": bool(push.get("enabled")) and bool(config.browser_push_public_key),
                "publicKey": config.browser_push_public_key,
            }
        },
        "authentication": {"indieAuthEnabled": bool(server_url)},
        "schedule": {
            "enabled": config.schedule_enabled,
            "showCountdown": config.schedule_show_countdown,
            "chatOpenMinutesBefore": config.schedule_chat_open_minutes,
        },
    }
    if config.stream_title:
        body["streamTitle"] = config.stream_title
    return body


def yp(stream: dict[str, Any], viewers: dict[str, int], config: ConfigValues) -> dict[str, Any]:
    """What the Owncast directory scrapes (``yp/api.go``)."""
    body: dict[str, Any] = {
        "name": config.server_name,
        "description": config.server_summary,
        "streamTitle": config.stream_title,
        "logo": "/logo",
        "tags": config.server_metadata_tags,
        "social": [_with_icon(handle) for handle in config.social_handles],
        "viewerCount": viewers["current"],
        "overallMaxViewerCount": viewers["overallPeak"],
        "sessionMaxViewerCount": viewers["sessionPeak"],
        "nsfw": config.nsfw,
        "online": bool(stream["online"]),
    }
    if stream["lastConnectTime"]:
        body["lastConnectTime"] = stream["lastConnectTime"]
    return body


def social_platforms() -> dict[str, dict[str, str]]:
    """Owncast's ``/api/socialplatforms``: key -> {platform: display name, icon}."""
    return {key: {"platform": name, "icon": f"/img/platformlogos/{icon}"}
            for key, (name, icon) in PLATFORMS.items()}


def video_variants(config: ConfigValues) -> list[dict[str, Any]]:
    """The qualities the player can offer, in the order of the variant playlists."""
    out = []
    for i, raw in enumerate(config.video_stream_output_variants):
        try:
            name = StreamOutputVariant.from_json(raw).display_name
        except VariantError:
            # The transcoder refuses this variant and says why; the menu still lists it.
            name = str(raw.get("name") or f"Variant {i + 1}")
        out.append({"index": i, "name": name})
    return out
