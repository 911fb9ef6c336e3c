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
    """Owncast's ``/api/status``, fields in its order."""
    body: dict[str, Any] = {
        "serverTime": state.rfc3339(),
        "lastConnectTime": stream["lastConnectTime"],
        "lastDisconnectTime": stream["lastDisconnectTime"],
        "versionNumber": __version__,
    }
    # Owncast omits the count when the admin hides it, and an unset title.
    if not config.hide_viewer_count:
        body["viewerCount"] = viewers["current"]
    body["online"] = bool(stream["online"])
    if config.stream_title:
        body["streamTitle"] = config.stream_title
    return body


def _with_icon(handle: dict[str, str]) -> dict[str, str]:
    icon = social_icon(handle["platform"])
    return {**handle, "icon": icon} if icon else dict(handle)


def _federation(config: ConfigValues, follower_count: int) -> dict[str, Any]:
    """config.go's federationConfigResponse: account and a non-zero count only when enabled."""
    if not config.federation_enabled:
        return {"enabled": False, "hideFollowersTab": config.federation_hide_followers_tab}
    host = urlparse(config.server_url).netloc if config.server_url else ""
    out: dict[str, Any] = {"account": f"{config.federation_username}@{host}"}
    if follower_count:
        out["followerCount"] = follower_count
    return out | {"enabled": True, "hideFollowersTab": config.federation_hide_followers_tab}


def web_config(config: ConfigValues, *, follower_count: int = 0) -> dict[str, Any]:
    """Owncast's ``/api/config`` (webserver/handlers/config.go), fields in webConfigResponse's order."""
    push = config.browser_push_configuration
    body: dict[str, Any] = {
        "appearanceVariables": config.custom_color_variable_values,
        "name": config.server_name,
        "customStyles": config.custom_styles,
    }
    if config.stream_title:  # omitempty
        body["streamTitle"] = config.stream_title
    body |= {
        "offlineMessage": markup.render_offline_message(config.custom_offline_message),
        "logo": "/logo",
        "version": VERSION_STRING,
    }
    if config.websocket_host_override:  # omitempty
        body["socketHostOverride"] = config.websocket_host_override
    browser: dict[str, Any] = {}
    if config.browser_push_public_key:  # omitempty
        browser["publicKey"] = config.browser_push_public_key
    browser["enabled"] = bool(push.get("enabled")) and bool(config.browser_push_public_key)
    return body | {
        "extraPageContent": markup.render_page_markdown(config.extra_page_content),
        "summary": config.server_summary,
        "tags": config.server_metadata_tags,
        "socialHandles": [_with_icon(handle) for handle in config.social_handles],
        "externalActions": config.external_actions,
        "notifications": {"browser": browser},
        "federation": _federation(config, follower_count),
        "maxSocketPayloadSize": MAX_SOCKET_PAYLOAD,
        "hideViewerCount": config.hide_viewer_count,
        "chatDisabled": config.chat_disabled,
        # Owncast fills this with the *enabled* flag (config.go), a defect its web app works
        # around; we send what the name says (tests/parity/TABLE.md).
        "chatSpamProtectionDisabled": not config.chat_spam_protection_enabled,
        "chatRequireAuthentication": config.chat_require_authentication,
        "nsfw": config.nsfw,
        "autoplay": config.autoplay,
        "authentication": {"indieAuthEnabled": bool(config.server_url)},
        "schedule": {
            "enabled": config.schedule_enabled,
            "showCountdown": config.schedule_show_countdown,
            "chatOpenMinutesBefore": config.schedule_chat_open_minutes,
        },
    }


def yp(stream: dict[str, Any], viewers: dict[str, int], config: ConfigValues) -> dict[str, Any]:
    """What the Owncast directory scrapes (``yp/api.go``), in the OpenAPI file's field order; a
    NullTime ``lastConnectTime`` is null until the first stream."""
    return {
        "lastConnectTime": stream["lastConnectTime"],
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


def social_platforms() -> dict[str, dict[str, str]]:
    """Owncast's ``/api/socialplatforms``: key -> {platform: display name, icon}."""
    return {key: {"platform": name, "icon": f"/img/platformlogos/{icon}"}
            for key, (name, icon) in PLATFORMS.items()}


def video_variants(config: ConfigValues) -> list[dict[str, Any]]:
    """The qualities the player can offer (``index`` is the variant playlist's), ordered as Owncast's
    GetVideoStreamOutputVariants orders them: passthrough first, then by video bitrate, highest
    first; fields in its variantsResponse order."""
    found = []
    for i, raw in enumerate(config.video_stream_output_variants):
        try:
            name = StreamOutputVariant.from_json(raw).display_name
        except VariantError:
            # The transcoder refuses this variant and says why; the menu still lists it.
            name = str(raw.get("name") or f"Variant {i + 1}")
        bitrate = raw.get("videoBitrate")
        found.append((not raw.get("videoPassthrough"), -(bitrate if isinstance(bitrate, int) else 0), i, name))
    return [{"name": name, "index": i} for _, _, i, name in sorted(found)]
