"""Every config key's current value, typed: ``values.stream_title`` is a ``str``.

Generated from ``keys.KEYS`` by ``python -m owncast_cli.config.generate``: edit the table, then
regenerate (tests/config/test_values.py fails while this file is stale).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from owncast_cli.config.shapes import S3Config, StreamKey


@dataclass(frozen=True)
class ConfigValues:
    """One consistent reading of the config (stored values, else defaults), in table order."""

    server_name: str
    server_summary: str
    server_welcome_message: str
    extra_page_content: str
    stream_title: str
    server_url: str
    logo_path: str
    favicon_path: str
    server_metadata_tags: list[str]
    nsfw: bool
    social_handles: list[dict[str, Any]]
    external_actions: list[dict[str, Any]]
    custom_styles: str
    custom_javascript: str
    custom_color_variable_values: dict[str, str]
    custom_offline_message: str
    hide_viewer_count: bool
    disable_search_indexing: bool
    autoplay: str
    websocket_host_override: str
    http_port_number: int
    http_listen_address: str
    trusted_proxies: list[str]
    outbound_allowed_hosts: list[str]
    http_idle_timeout_seconds: float
    http_max_connections: int
    http_max_connections_per_address: int
    http_fd_reserve: int
    rtmp_port_number: int
    rtmp_listen_address: str
    admin_password_key: str
    stream_keys: list[StreamKey]
    stream_takeover_grace_seconds: float
    stream_timeout_seconds: float
    rtmp_buffer_budget_bytes: int
    ffmpeg_path: str
    video_codec: str
    video_latency_level: int
    video_stream_output_variants: list[dict[str, Any]]
    s3_storage_config: S3Config
    video_serving_endpoint: str
    offline_clip_path: str
    hls_offline_cleanup_seconds: float
    directory_enabled: bool
    directory_registration_key: str
    directory_url: str
    chat_disabled: bool
    chat_join_messages_enabled: bool
    chat_established_users_only_mode: bool
    chat_spam_protection_enabled: bool
    chat_slur_filter_enabled: bool
    chat_require_authentication: bool
    chat_offline_enabled: bool
    chat_history_retention_hours: float
    chat_max_connections: int
    blocked_usernames: list[str]
    suggested_usernames: list[str]
    federation_enabled: bool
    federation_username: str
    federation_private: bool
    federation_go_live_message: str
    federation_show_engagement: bool
    federation_blocked_domains: list[str]
    federation_enable_quotes: bool
    federation_hide_followers_tab: bool
    federation_stream_ended_message: str
    notifications_enabled: bool
    discord_configuration: dict[str, Any]
    notifications_apprise_urls: list[dict[str, str]]
    webhook_retry_seconds: float
    webhook_timeout_seconds: float
    browser_push_configuration: dict[str, Any]
    schedule_enabled: bool
    schedule_show_countdown: bool
    schedule_chat_open_minutes: int
    schedule_reminder_message: str
    schedule_reminder_minutes: int
    schedule_second_reminder_minutes: int
    logo_uniqueness: str
    public_key: str
    private_key: str
    browser_push_public_key: str
    browser_push_private_key: str
    has_configured_initial_notifications: bool
    server_init_date: str
    peak_viewers_session: int
    peak_viewers_overall: int
    last_disconnect_time: str

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> ConfigValues:
        """From every key's value by name (``ConfigStore.all()``); extra names are refused."""
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
