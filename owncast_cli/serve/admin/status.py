"""``/api/admin/status``, ``/disconnect``, ``/serverconfig`` and ``/viewers``: the live state, in Owncast's shapes."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from quart import jsonify

from owncast_cli import __version__, state
from owncast_cli.bus.catalog import IngestDisconnect
from owncast_cli.config import defaults
from owncast_cli.config.values import ConfigValues
from owncast_cli.serve.admin.common import fail, no_store, ok
from owncast_cli.serve.metrics import HEALTH_KEY as PLAYBACK_HEALTH_KEY
from owncast_cli.serve.platforms import social_icon

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


def _is_default_password(stored: str) -> bool:
    if stored not in _default_hash:
        from owncast_cli.adminauth import _matches

        _default_hash.clear()
        _default_hash[stored] = _matches(stored, defaults.DEFAULT_ADMIN_PASSWORD)
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

    ``healthPercentage`` is 100 when the transcoder keeps up and no player reported errors in the
    last window; ``representation`` is the share of current viewers whose players reported.
    """
    if not online:
        return None
    messages = []
    percent = 100
    transcoder_ok = transcode is None or bool(transcode.get("healthy", True))
    if not transcoder_ok:
        percent = 50
        messages.append(str(transcode.get("message") or "the transcoder falls behind"))  # type: ignore[union-attr]
    representation = 0
    if playback:
        reports = max(1, int(playback.get("reports") or 0))
        errors = float(playback.get("errors") or 0)
        if errors:
            percent = min(percent, max(0, round(100 - 100 * errors / reports)))
            messages.append(f"viewers' players reported {errors:g} errors in the last window")
        if viewers:
            representation = min(100, round(100 * int(playback.get("clients") or 0) / viewers))
    out: dict[str, Any] = {"healthy": percent == 100, "healthPercentage": percent,
                           "representation": representation}
    if messages:
        out["message"] = "; ".join(messages)
    return out


def admin_status(stream: dict[str, Any], viewers: dict[str, int], config: ConfigValues,
                 transcode: dict[str, Any] | None, playback: dict[str, Any] | None,
                 warned: list[str]) -> dict[str, Any]:
    online = bool(stream["online"])
    body: dict[str, Any] = {
        "online": online,
        "streamTitle": config.stream_title,
        "versionNumber": __version__,
        "viewerCount": viewers["current"],
        "overallPeakViewerCount": viewers["overallPeak"],
        "sessionPeakViewerCount": viewers["sessionPeak"],
        "health": health(online, transcode, playback, viewers["current"]),
        "warnings": warned,
    }
    broadcaster = stream.get("broadcaster")
    if online and broadcaster:
        body["broadcaster"] = broadcaster
        body["currentBroadcast"] = {
            "outputSettings": config.video_stream_output_variants,
            "latencyLevel": {"level": config.video_latency_level},
        }
    return body


def server_config(config: ConfigValues, *, codecs: list[str], key_overridden: bool) -> dict[str, Any]:
    """Owncast's ``GET /api/admin/serverconfig`` (webserver/handlers/admin/serverConfig.go)."""
    s3 = {"enabled": False, "endpoint": "", "accessKey": "", "secret": "", "bucket": "", "region": "",
          "acl": "", "pathPrefix": "", "forcePathStyle": False, **config.s3_storage_config}
    handles = []
    for handle in config.social_handles:
        icon = social_icon(handle["platform"])
        handles.append({**handle, "icon": icon} if icon else dict(handle))
    return {
        "instanceDetails": {
            "name": config.server_name,
            "summary": config.server_summary,
            "welcomeMessage": config.server_welcome_message,
            "offlineMessage": config.custom_offline_message,
            "logo": config.logo_path,
            "tags": config.server_metadata_tags,
            "socialHandles": handles,
            "extraPageContent": config.extra_page_content,
            "streamTitle": config.stream_title,
            "nsfw": config.nsfw,
            "autoplay": config.autoplay,
            "customStyles": config.custom_styles,
            "customJavascript": config.custom_javascript,
            "appearanceVariables": config.custom_color_variable_values,
            "version": f"Owncast (Python) v{__version__}",
        },
        "ffmpegPath": config.ffmpeg_path,
        # As Owncast: the stored bcrypt hash, never the password.
        "adminPassword": config.admin_password_key,
        "streamKeys": config.stream_keys,
        "streamKeyOverridden": key_overridden,
        "webServerPort": config.http_port_number,
        "webServerIP": config.http_listen_address,
        "rtmpServerPort": config.rtmp_port_number,
        "rtmpServerAddress": config.rtmp_listen_address,
        "socketHostOverride": config.websocket_host_override,
        "videoServingEndpoint": config.video_serving_endpoint,
        "videoSettings": {
            "videoQualityVariants": config.video_stream_output_variants,
            "latencyLevel": config.video_latency_level,
        },
        "supportedCodecs": codecs,
        "videoCodec": config.video_codec,
        "s3": s3,
        "yp": {"enabled": config.directory_enabled, "instanceUrl": config.server_url},
        "chatDisabled": config.chat_disabled,
        "chatJoinMessagesEnabled": config.chat_join_messages_enabled,
        "chatEstablishedUserMode": config.chat_established_users_only_mode,
        "chatSpamProtectionEnabled": config.chat_spam_protection_enabled,
        "chatSlurFilterEnabled": config.chat_slur_filter_enabled,
        "chatRequireAuthentication": config.chat_require_authentication,
        "forbiddenUsernames": config.blocked_usernames,
        "suggestedUsernames": config.suggested_usernames,
        "hideViewerCount": config.hide_viewer_count,
        "disableSearchIndexing": config.disable_search_indexing,
        "externalActions": config.external_actions,
        "federation": {
            "enabled": config.federation_enabled,
            "isPrivate": config.federation_private,
            "username": config.federation_username,
            "goLiveMessage": config.federation_go_live_message,
            "showEngagement": config.federation_show_engagement,
            "enableQuotes": config.federation_enable_quotes,
            "hideFollowersTab": config.federation_hide_followers_tab,
            "blockedDomains": config.federation_blocked_domains,
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
        "notifications": {
            "discord": config.discord_configuration,
            "browser": config.browser_push_configuration,
        },
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

    @app.get("/api/admin/viewers")
    async def admin_get_viewers() -> Any:
        # Viewers keep monotonic times; shown as wall-clock RFC 3339 like Owncast's firstSeen.
        offset = time.time() - svc.viewers.clock()
        return no_store(jsonify([
            {"clientID": v["clientID"], "ipAddress": v["ipAddress"], "userAgent": v["userAgent"],
             "firstSeen": state.rfc3339(v["firstSeen"] + offset), "geo": None}
            for v in sorted(svc.viewers.snapshot(), key=lambda v: v["firstSeen"])
        ]))
