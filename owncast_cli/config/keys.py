"""The one table of config keys: Owncast's persisted keys plus ours, each typed and validated."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from owncast_cli.config import defaults as d
from owncast_cli.config import validators as v


class Kind(str, Enum):
    """How a value is written on the command line (`owncast config set KEY VALUE`)."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    JSON = "json"  # lists and objects, given as JSON text


@dataclass(frozen=True)
class ConfigKey:
    name: str
    kind: Kind
    default: Any
    validator: Callable[[Any], Any]
    help: str
    #: False: running daemons read it only at start ("takes effect after restart").
    live: bool = True
    #: Masked in `config list` (still exported: export is a backup).
    secret: bool = False
    #: Kept by the server itself (caches, generated keys, counters): not for users to set.
    internal: bool = False
    #: The Python type of a JSON value, as written in the generated ``values.py``.
    hint: str = ""

    @property
    def type_hint(self) -> str:
        """The annotation of this key's field in :class:`owncast_cli.config.values.ConfigValues`."""
        return self.hint or _SCALAR_HINTS[self.kind]

    def default_value(self) -> Any:
        value = self.default() if callable(self.default) else self.default
        return copy.deepcopy(value)


_SCALAR_HINTS = {Kind.STRING: "str", Kind.INTEGER: "int", Kind.NUMBER: "float", Kind.BOOLEAN: "bool"}
STRINGS, OBJECTS, OBJECT = "list[str]", "list[dict[str, Any]]", "dict[str, Any]"


def _networks(value: Any) -> list[str]:
    """IP addresses or CIDR blocks (trusted reverse proxies)."""
    import ipaddress

    items = v.string_list(max_items=100, max_len=64)(value)
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise v.ConfigValueError(f'a JSON list of IP addresses or CIDR blocks, e.g. ["127.0.0.1","10.0.0.0/8"] ({item!r} is neither)') from None
    return items


def _outbound_hosts(value: Any) -> list[str]:
    """Hosts, IP addresses or CIDR blocks outbound requests may reach despite the SSRF guard."""
    from owncast_cli.outbound.guard import Allowlist

    items = v.string_list(max_items=100, max_len=253)(value)
    try:
        Allowlist.parse(items)
    except ValueError as exc:
        raise v.ConfigValueError(f'a JSON list of host names, IP addresses or CIDR blocks, e.g. ["127.0.0.1","hooks.lan"] ({exc})') from None
    return items


def _keys(*keys: ConfigKey) -> dict[str, ConfigKey]:
    return {k.name: k for k in keys}


S, I, N, B, J = Kind.STRING, Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN, Kind.JSON

KEYS: dict[str, ConfigKey] = _keys(
    # Instance and page (Owncast section 3.1).
    ConfigKey("server_name", S, d.SERVER_NAME, v.text(255, allow_empty=False, single_line=True), "The name of the server, shown on the page and in the directory."),
    ConfigKey("server_summary", S, d.SERVER_SUMMARY, v.text(2000), "A short description of the stream."),
    ConfigKey("server_welcome_message", S, "", v.text(5000), "Markdown sent privately to each chat user on join."),
    ConfigKey("extra_page_content", S, d.PAGE_CONTENT, v.text(100_000), "Markdown shown below the video."),
    ConfigKey("stream_title", S, "", v.text(255, single_line=True), "The title of the current stream."),
    ConfigKey("server_url", S, "", v.url(), "The public URL of this server (needed for federation and the directory)."),
    ConfigKey("logo_path", S, "logo.svg", v.text(255, allow_empty=False, single_line=True), "Logo file inside the data directory."),
    ConfigKey("favicon_path", S, "", v.text(255, single_line=True), "Favicon file inside the data directory; empty for the default."),
    ConfigKey("server_metadata_tags", J, ["owncast", "streaming"], v.string_list(max_items=50, max_len=64), "Tags describing the stream.", hint=STRINGS),
    ConfigKey("nsfw", B, False, v.boolean, "Mark the stream as not safe for work."),
    ConfigKey("social_handles", J, [{"platform": "github", "url": "https://github.com/owncast/owncast"}], v.social_handles, "Social links on the page.", hint=OBJECTS),
    ConfigKey("external_actions", J, [], v.external_actions, "Buttons on the viewer page that open a URL or show HTML.", hint=OBJECTS),
    ConfigKey("custom_styles", S, "", v.text(100_000), "Custom CSS for the page."),
    ConfigKey("custom_javascript", S, "", v.text(100_000), "Custom JavaScript for the page."),
    ConfigKey("custom_color_variable_values", J, {}, v.string_map, "CSS variable overrides (appearance).", hint="dict[str, str]"),
    ConfigKey("custom_offline_message", S, "", v.text(5000), "Markdown shown while offline."),
    ConfigKey("hide_viewer_count", B, False, v.boolean, "Hide the viewer count from viewers."),
    ConfigKey("disable_search_indexing", B, False, v.boolean, "Ask search engines not to index the server."),
    ConfigKey("autoplay", S, "off", v.one_of("off", "always", "sound-only"), "Viewer autoplay behaviour."),
    ConfigKey("websocket_host_override", S, "", v.url(schemes=("ws", "wss")), "Chat websocket URL for clients, when behind a proxy."),
    # Server and ports (saved by --webserverport / --webserverip / --rtmpport as in Owncast).
    ConfigKey("http_port_number", I, 8080, v.port, "HTTP port.", live=False),
    ConfigKey("http_listen_address", S, "0.0.0.0", v.ip_address, "HTTP listen address.", live=False),
    ConfigKey("trusted_proxies", J, list(d.TRUSTED_PROXIES), _networks, "Reverse proxies (IP or CIDR) whose X-Forwarded-For / X-Forwarded-Proto headers are honoured; loopback by default, so a proxy on this host needs no setting.", hint=STRINGS),
    ConfigKey("outbound_allowed_hosts", J, [], _outbound_hosts, "Hosts, IPs or CIDR blocks that webhooks, federation and sign-in may reach although they are loopback, private, link-local or metadata addresses.", hint=STRINGS),
    ConfigKey("http_idle_timeout_seconds", N, 30.0, v.number(1, 3600), "An HTTP keep-alive connection idle this long is closed; a request head must arrive within this (at most 10 s).", live=False),
    ConfigKey("http_max_connections", I, 0, v.integer(0, 10_000_000), "Most HTTP connections at once (websockets included); 0 derives it from the open-file limit minus http_fd_reserve.", live=False),
    ConfigKey("http_max_connections_per_address", I, 256, v.integer(0, 10_000_000), "Most HTTP connections from one client address (IPv6: one /64; trusted proxies, 127.0.0.1 and ::1 exempt); 0 for no cap.", live=False),
    ConfigKey("http_fd_reserve", I, 1024, v.integer(0, 10_000_000), "File descriptors kept from HTTP for ingest, the transcoder and the database (at most half the open-file limit).", live=False),
    ConfigKey("rtmp_port_number", I, 1935, v.port, "RTMP port.", live=False),
    ConfigKey("rtmp_listen_address", S, "0.0.0.0", v.ip_address, "RTMP listen address.", live=False),
    ConfigKey("admin_password_key", S, d.DEFAULT_ADMIN_PASSWORD, v.password, "Admin password (give the password; it is stored bcrypt-hashed).", secret=True),
    ConfigKey("stream_keys", J, [{"key": d.DEFAULT_STREAM_KEY, "comment": "Default stream key"}], v.stream_keys, "Stream keys a broadcaster may publish with (see `owncast keys`).", secret=True, hint="list[StreamKey]"),
    ConfigKey("stream_takeover_grace_seconds", N, 3.0, v.number(0, 600), "A new publisher with a valid key takes over when the current one has sent nothing for this long."),
    ConfigKey("stream_timeout_seconds", N, 10.0, v.number(1, 600), "A stream with no media for this long is considered stopped."),
    ConfigKey("rtmp_buffer_budget_bytes", I, 32 << 20, v.integer(64 << 10, 1 << 30), "Bytes all RTMP connections together may hold in partial messages; over it the newest connection (never the live one) is closed."),
    # Video.
    ConfigKey("ffmpeg_path", S, "", v.executable, "Path to ffmpeg; empty to auto-detect.", live=False),
    ConfigKey("video_codec", S, "libx264", v.one_of("libx264", "h264_nvenc", "h264_vaapi", "h264_qsv", "h264_videotoolbox", "h264_v4l2m2m", "h264_omx"), "H.264 encoder used for video variants."),
    ConfigKey("video_latency_level", I, 2, v.clamped_latency, "Latency level 0-4 (segment length and playlist size)."),
    ConfigKey("video_stream_output_variants", J, [d.DEFAULT_VARIANT], v.video_variants, "Output video variants.", hint=OBJECTS),
    ConfigKey("s3_storage_config", J, {"enabled": False, "forcePathStyle": False}, v.s3_config, "S3-compatible storage for HLS.", secret=True, hint="S3Config"),
    ConfigKey("video_serving_endpoint", S, "", v.url(), "Custom CDN or base URL for HLS."),
    ConfigKey("offline_clip_path", S, "", v.text(4096, single_line=True), "A .ts clip shown after the stream ends; empty for ours."),
    ConfigKey("hls_offline_cleanup_seconds", N, 300.0, v.number(0, 86400), "After the stream has been offline this long, its HLS files are deleted."),
    # Directory.
    ConfigKey("directory_enabled", B, False, v.boolean, "List the server in the Owncast directory."),
    ConfigKey("directory_registration_key", S, "", v.text(256), "Key issued by the directory.", internal=True),
    ConfigKey("directory_url", S, "https://directory.owncast.online", v.url(allow_empty=False), "The Owncast directory the server registers with and pings while live."),
    # Chat.
    ConfigKey("chat_disabled", B, False, v.boolean, "Turn chat off."),
    ConfigKey("chat_join_messages_enabled", B, True, v.boolean, "Announce users joining chat."),
    ConfigKey("chat_established_users_only_mode", B, False, v.boolean, "Only users older than 15 minutes may chat."),
    ConfigKey("chat_spam_protection_enabled", B, True, v.boolean, "Rate-limit chat messages."),
    ConfigKey("chat_slur_filter_enabled", B, False, v.boolean, "Filter slurs from chat."),
    ConfigKey("chat_require_authentication", B, False, v.boolean, "Only authenticated users may chat."),
    ConfigKey("chat_offline_enabled", B, True, v.boolean, "Allow chat while the stream is offline."),
    ConfigKey("chat_history_retention_hours", N, 2, v.number(0.01, 24 * 365), "Chat messages older than this many hours are deleted (Owncast keeps 2)."),
    ConfigKey("chat_max_connections", I, 0, v.integer(0, 1_000_000), "Most chat websocket connections at once; 0 derives it from the open-file limit as Owncast does."),
    ConfigKey("blocked_usernames", J, ["owncast", "operator", "admin", "system"], v.string_list(lower=True), "Forbidden chat names.", hint=STRINGS),
    ConfigKey("suggested_usernames", J, [], v.string_list(), "Names given to new chat users (used with 10 or more).", hint=STRINGS),
    # Federation.
    ConfigKey("federation_enabled", B, False, v.boolean, "Enable ActivityPub federation."),
    ConfigKey("federation_username", S, "streamer", v.text(64, allow_empty=False, single_line=True), "The fediverse account name."),
    ConfigKey("federation_private", B, False, v.boolean, "Require approval of followers."),
    ConfigKey("federation_go_live_message", S, d.GO_LIVE_MESSAGE, v.text(500), "Posted to followers when live; empty for none."),
    ConfigKey("federation_show_engagement", B, True, v.boolean, "Show fediverse engagement in chat."),
    ConfigKey("federation_blocked_domains", J, [], v.string_list(lower=True), "Fediverse domains refused.", hint=STRINGS),
    ConfigKey("federation_enable_quotes", B, True, v.boolean, "Allow quote posts (FEP-044f)."),
    ConfigKey("federation_hide_followers_tab", B, False, v.boolean, "Hide the followers tab."),
    ConfigKey("federation_stream_ended_message", S, "", v.text(500), "Posted to followers when the stream ends; empty for none (Owncast never posts one)."),
    # Notifications.
    ConfigKey("notifications_enabled", B, False, v.boolean, "Enable go-live notifications."),
    ConfigKey("discord_configuration", J, {"enabled": False, "webhook": "", "goLiveMessage": ""}, v.discord_config, "Discord go-live notification.", secret=True, hint=OBJECT),
    ConfigKey("notifications_apprise_urls", J, [], v.apprise_urls, "Go-live channels through apprise (Matrix, Telegram, Slack, ntfy, Gotify, email...): a list of {\"url\", \"goLiveMessage\"}; the message may use {name}, {title} and {url}.", secret=True, hint="list[dict[str, str]]"),
    ConfigKey("webhook_retry_seconds", N, 86400.0, v.number(60, 7 * 86400), "A webhook delivery that keeps failing (5xx, timeout, no connection) is retried with backoff this long; then it goes to the dead-letter list and its webhook is paused."),
    ConfigKey("webhook_timeout_seconds", N, 10.0, v.number(1, 120), "How long one webhook request may take before it counts as failed (and is retried)."),
    ConfigKey("browser_push_configuration", J, {"enabled": True, "goLiveMessage": d.GO_LIVE_MESSAGE}, v.browser_push_config, "Browser push go-live notification.", hint=OBJECT),
    # Scheduled streams (Owncast's develop branch, PR #5115).
    ConfigKey("schedule_enabled", B, False, v.boolean, "Show the stream schedule (API, iCal feed, viewer page) and send reminders."),
    ConfigKey("schedule_show_countdown", B, False, v.boolean, "Show a countdown to the next scheduled stream while offline."),
    ConfigKey("schedule_chat_open_minutes", I, 0, v.int_choice(0, 5, 10, 30, 60, unit="minutes"), "Open chat this many minutes before a scheduled stream, even while offline (0: off)."),
    ConfigKey("schedule_reminder_message", S, "", v.text(500), "Reminder sent through notify's channels and to the fediverse before each scheduled stream; empty for none."),
    ConfigKey("schedule_reminder_minutes", I, 15, v.int_choice(0, 15, 30, 60, 120, 1440, unit="minutes"), "How long before each scheduled stream the reminder goes out (0: never)."),
    ConfigKey("schedule_second_reminder_minutes", I, 0, v.int_choice(0, 15, 30, 60, 120, 1440, unit="minutes"), "A second reminder this long before each scheduled stream (0: none)."),
    # Kept by the server (Owncast stores these in the same table).
    ConfigKey("logo_uniqueness", S, "", v.text(64), "Cache-buster for the logo.", internal=True),
    ConfigKey("public_key", S, "", v.text(10_000), "ActivityPub public key (PEM).", internal=True),
    ConfigKey("private_key", S, "", v.text(10_000), "ActivityPub private key (PEM).", internal=True, secret=True),
    ConfigKey("browser_push_public_key", S, "", v.text(1000), "VAPID public key.", internal=True),
    ConfigKey("browser_push_private_key", S, "", v.text(1000), "VAPID private key.", internal=True, secret=True),
    ConfigKey("has_configured_initial_notifications", B, False, v.boolean, "First-run notification defaults applied.", internal=True),
    ConfigKey("server_init_date", S, "", v.timestamp, "When the server first ran (RFC 3339).", internal=True),
    ConfigKey("peak_viewers_session", I, 0, v.integer(0, 2**31), "Peak viewers this session.", internal=True),
    ConfigKey("peak_viewers_overall", I, 0, v.integer(0, 2**31), "Peak viewers ever.", internal=True),
    ConfigKey("last_disconnect_time", S, "", v.timestamp, "When the last stream ended (RFC 3339).", internal=True),
)
