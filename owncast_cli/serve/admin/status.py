"""``/api/admin/status``, ``/disconnect``, ``/serverconfig`` and ``/viewers``: the live state, in Owncast's shapes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final

from quart import jsonify

from owncast_cli import __version__, state
from owncast_cli.bus.catalog import IngestDisconnect
from owncast_cli.config import defaults
from owncast_cli.config.values import ConfigValues
from owncast_cli.media.variants import StreamOutputVariant, VariantError
from owncast_cli.serve.admin.common import fail, no_store, ok
from owncast_cli.serve.metrics import HEALTH_KEY as PLAYBACK_HEALTH_KEY
from owncast_cli.serve.platforms import social_icon
from owncast_cli.serve.playback_clients import playback_list

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.db import Database
    from owncast_cli.serve.app import Services

TRANSCODE_HEALTH_KEY = "transcode_health"
TRANSCODER_KEY = "transcoder"
DEFAULT_PASSWORD_WARNING = ("The admin password is still the default 'abc123': anyone can take over this "
                            "server. Change it (POST /api/admin/config/adminpass or `owncast config set "
                            "admin_password_key ...`).")
DEFAULT_KEY_WARNING = ("The only stream key is the default 'abc123': anyone can stream to this server. "
                       "Add your own (`owncast keys add`) and remove it.")
#: bcrypt hash -> whether it is the hash of the default password (bcrypt costs ~0.2 s: ask once).
_default_hash: dict[str, bool] = {}


#: Owncast's healthyPercentageValue: above it, the stream counts as healthy.
HEALTHY_PERCENT: Final = 75


def _is_default_password(stored: str) -> bool:
    if stored not in _default_hash:
        from owncast_cli.adminauth import password_matches

        _default_hash.clear()
        _default_hash[stored] = password_matches(stored, defaults.DEFAULT_ADMIN_PASSWORD)
    return _default_hash[stored]


def warnings(config: ConfigValues, streamkey_override: str | None) -> list[str]:
    """What an admin must fix: the defaults anyone can guess."""
    out = []
    if _is_default_password(str(config.admin_password_key)):
        out.append(DEFAULT_PASSWORD_WARNING)
    keys = [k["key"] for k in config.stream_keys]
    if streamkey_override is None and keys == [defaults.DEFAULT_STREAM_KEY]:
        out.append(DEFAULT_KEY_WARNING)
    return out


def health(online: bool, transcode: dict[str, Any] | None, playback: dict[str, Any] | None,
           viewers: int) -> dict[str, Any] | None:
    """Owncast's StreamHealthOverview from the transcoder's progress and the players' reports.

    ``healthPercentage`` is the share of reporting players with no errors in the last window
    (Owncast's errorCountHealthOverview: healthy above 75 %), at most 50 when the transcoder falls
    behind; ``representation`` is the share of current viewers whose players reported.
    """
    if not online:
        return None
    messages = []
    percent = 100
    healthy = True
    if transcode is not None and not transcode.get("healthy", True):
        percent, healthy = 50, False
        messages.append(str(transcode.get("message") or "the transcoder falls behind"))
    representation = 0
    if playback:
        clients = int(playback.get("clients") or 0)
        with_errors = min(clients, int(playback.get("clientsWithErrors") or 0))
        if clients and with_errors:
            share = int(100 - 100 * with_errors / clients)
            percent, healthy = min(percent, share), healthy and share > HEALTHY_PERCENT
            messages.append(f"{with_errors} of {clients} clients ({100 - share}%) are experiencing "
                            "different, unspecified, playback issues.")
        if viewers:
            representation = min(100, round(100 * clients / viewers))
    # StreamHealthOverview's fields in the OpenAPI file's order (Owncast's current struct; the
    # message is always there, empty when all is well).
    return {"message": "; ".join(messages), "healthPercentage": percent, "representation": representation,
            "healthy": healthy}


def admin_status(stream: dict[str, Any], viewers: dict[str, int], config: ConfigValues,
                 transcode: dict[str, Any] | None, playback: dict[str, Any] | None,
                 warned: list[str]) -> dict[str, Any]:
    """Owncast's adminStatusResponse, fields in its order (null broadcaster when offline)."""
    online = bool(stream["online"])
    broadcaster = stream.get("broadcaster") if online else None
    current = None
    if broadcaster:
        current = {"outputSettings": config.video_stream_output_variants,
                   "latencyLevel": {"level": config.video_latency_level}}
    return {
        "broadcaster": broadcaster or None,
        "currentBroadcast": current,
        "health": health(online, transcode, playback, viewers["current"]),
        "streamTitle": config.stream_title,
        "versionNumber": __version__,
        "viewerCount": viewers["current"],
        "overallPeakViewerCount": viewers["overallPeak"],
        "sessionPeakViewerCount": viewers["sessionPeak"],
        "online": online,
        # Ours: what an admin must fix (tests/parity/TABLE.md lists it as an addition).
        "warnings": warned,
    }


def admin_variant(raw: dict[str, Any]) -> dict[str, Any]:
    """One variant as serverConfig.go rebuilds it: name and defaults filled in, MarshalJSON's order."""
    try:
        variant = StreamOutputVariant.from_json(raw)
    except VariantError:
        return dict(raw)  # refused by the transcoder, which says why; shown as stored
    out: dict[str, Any] = {"framerate": variant.effective_framerate, "name": variant.display_name,
                           "videoPassthrough": variant.video_passthrough,
                           "audioPassthrough": variant.effective_audio_passthrough,
                           "videoBitrate": variant.video_bitrate, "audioBitrate": variant.audio_bitrate}
    if variant.scaled_width:
        out["scaledWidth"] = variant.scaled_width
    if variant.scaled_height:
        out["scaledHeight"] = variant.scaled_height
    return out | {"encoderPreset": "", "cpuUsageLevel": variant.cpu_usage_level}


def server_config(config: ConfigValues, *, codecs: list[str], key_overridden: bool) -> dict[str, Any]:
    """Owncast's ``GET /api/admin/serverconfig`` (webserver/handlers/admin/serverConfig.go): what
    is stored, fields in serverConfigAdminResponse's order."""
    s3 = {"enabled": False, "endpoint": "", "accessKey": "", "secret": "", "bucket": "", "region": "",
          "acl": "", "pathPrefix": "", "forcePathStyle": False, **config.s3_storage_config}
    handles = []
    for handle in config.social_handles:
        icon = social_icon(handle["platform"])
        handles.append({**handle, "icon": icon} if icon else dict(handle))
    body: dict[str, Any] = {
        "instanceDetails": {
            "appearanceVariables": config.custom_color_variable_values,
            "version": f"Owncast (Python) v{__version__}",
            "welcomeMessage": config.server_welcome_message,
            "offlineMessage": config.custom_offline_message,
            "logo": config.logo_path,
            "name": config.server_name,
            "extraPageContent": config.extra_page_content,
            "streamTitle": config.stream_title,
            "customStyles": config.custom_styles,
            "customJavascript": config.custom_javascript,
            "summary": config.server_summary,
            "tags": config.server_metadata_tags,
            "socialHandles": handles,
            "nsfw": config.nsfw,
            "autoplay": config.autoplay,
        },
        "notifications": {
            "browser": config.browser_push_configuration,
            "discord": config.discord_configuration,
        },
        "yp": {"instanceUrl": config.server_url, "enabled": config.directory_enabled},
        "ffmpegPath": config.ffmpeg_path,
        # As Owncast: the stored bcrypt hash, never the password.
        "adminPassword": config.admin_password_key,
    }
    if config.websocket_host_override:  # omitempty
        body["socketHostOverride"] = config.websocket_host_override
    return body | {
        "webServerIP": config.http_listen_address,
        "videoCodec": config.video_codec,
        "videoServingEndpoint": config.video_serving_endpoint,
        "s3": s3,
        "federation": {
            "username": config.federation_username,
            "goLiveMessage": config.federation_go_live_message,
            "blockedDomains": config.federation_blocked_domains,
            "enabled": config.federation_enabled,
            "isPrivate": config.federation_private,
            "showEngagement": config.federation_show_engagement,
            "enableQuotes": config.federation_enable_quotes,
            "hideFollowersTab": config.federation_hide_followers_tab,
        },
        # Owncast's develop branch sends enabled and reminderMessage; the rest are the other
        # settings of /api/admin/config/schedule/*, for the dashboard.
        "schedule": {
            "enabled": config.schedule_enabled,
            "reminderMessage": config.schedule_reminder_message,
            "showCountdown": config.schedule_show_countdown,
            "chatOpenMinutes": config.schedule_chat_open_minutes,
            "firstReminderMinutes": config.schedule_reminder_minutes,
            "secondReminderMinutes": config.schedule_second_reminder_minutes,
        },
        "supportedCodecs": codecs,
        "externalActions": config.external_actions,
        "styleContributors": [],  # plugins that style the page: none here
        "forbiddenUsernames": config.blocked_usernames,
        "suggestedUsernames": config.suggested_usernames,
        "streamKeys": config.stream_keys,
        "videoSettings": {
            "videoQualityVariants": [admin_variant(v) for v in config.video_stream_output_variants],
            "latencyLevel": config.video_latency_level,
        },
        "rtmpServerPort": config.rtmp_port_number,
        "rtmpServerAddress": config.rtmp_listen_address,
        "webServerPort": config.http_port_number,
        "chatDisabled": config.chat_disabled,
        "chatJoinMessagesEnabled": config.chat_join_messages_enabled,
        "chatEstablishedUserMode": config.chat_established_users_only_mode,
        "chatSpamProtectionEnabled": config.chat_spam_protection_enabled,
        "chatSlurFilterEnabled": config.chat_slur_filter_enabled,
        "chatRequireAuthentication": config.chat_require_authentication,
        "disableSearchIndexing": config.disable_search_indexing,
        "streamKeyOverridden": key_overridden,
        "hideViewerCount": config.hide_viewer_count,
    }


def _read_runtime(db: Database) -> dict[str, Any]:
    from owncast_cli.config import ConfigStore

    return {
        "stream": state.stream(db),
        "viewers": state.viewers(db),
        "config": ConfigStore(db).values(),
        "transcode": state.get(db, TRANSCODE_HEALTH_KEY),
        "transcoder": state.get(db, TRANSCODER_KEY),
        "playback": state.get(db, PLAYBACK_HEALTH_KEY),
    }


def register(app: QuartTrio, svc: Services) -> None:
    import trio

    ctx = svc.ctx
    db = ctx.db

    @app.get("/api/admin/status")
    async def admin_get_admin_status() -> Any:
        now = await db.run(lambda: _read_runtime(db))
        warned = await trio.to_thread.run_sync(warnings, now["config"], ctx.settings.streamkey)
        transcode = now["transcode"]
        stream = now["stream"]
        # A health report from an earlier stream says nothing about this one.
        if transcode and stream.get("streamId") and transcode.get("streamId") not in (None, stream.get("streamId")):
            transcode = None
        body = admin_status(stream, now["viewers"], now["config"], transcode, now["playback"], warned)
        return no_store(jsonify(body))

    @app.route("/api/admin/disconnect", methods=["GET", "POST"])
    async def admin_disconnect() -> Any:
        # Owncast's spec says POST; its older admin used GET: both end the stream.
        stream = await db.run(lambda: state.stream(db))
        if not stream["online"]:
            return fail("no inbound stream connected")
        await ctx.bus.publish(IngestDisconnect("disconnected by the admin", stream.get("streamId")))
        return ok("inbound stream disconnected")

    @app.get("/api/admin/serverconfig")
    async def admin_get_server_config() -> Any:
        now = await db.run(lambda: _read_runtime(db))
        codecs = list((now["transcoder"] or {}).get("supportedCodecs") or [])
        body = server_config(now["config"], codecs=codecs, key_overridden=ctx.settings.streamkey is not None)
        return no_store(jsonify(body))

    @app.get("/api/admin/viewers/playback")
    async def admin_get_playback_clients() -> Any:
        offset = time.time() - svc.viewers.clock()
        return no_store(jsonify(playback_list(svc.viewers.snapshot(), svc.metrics.clients, geo=svc.geoip.lookup,
                                              first_seen=lambda seen: state.rfc3339(seen + offset))))

    @app.get("/api/admin/viewers")
    async def admin_get_viewers() -> Any:
        # Viewers keep monotonic times; shown as wall-clock RFC 3339 like Owncast's firstSeen.
        offset = time.time() - svc.viewers.clock()
        return no_store(jsonify([
            # models.Viewer's field order.
            {"firstSeen": state.rfc3339(v["firstSeen"] + offset), "geo": svc.geoip.lookup(v["ipAddress"]),
             "userAgent": v["userAgent"], "ipAddress": v["ipAddress"], "clientID": v["clientID"]}
            for v in sorted(svc.viewers.snapshot(), key=lambda v: v["firstSeen"])
        ]))
