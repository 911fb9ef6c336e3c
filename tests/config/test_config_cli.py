"""Every config key round-trips through set/get/export/import; bad values are refused cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from owncast_cli.cli import cli
from owncast_cli.config import KEYS, Kind

# key -> (a valid value different from the default, a value the key must refuse)
SAMPLES: dict[str, tuple[Any, Any]] = {
    "server_name": ("My Stream", ""),
    "server_summary": ("About me", "x" * 2001),
    "server_welcome_message": ("Hi **there**", "x" * 5001),
    "extra_page_content": ("# Page", "x" * 100_001),
    "stream_title": ("Live now", "two\nlines"),
    "server_url": ("https://live.example.com", "not.valid.url"),
    "logo_path": ("logo.png", ""),
    "favicon_path": ("favicon.png", "a\nb"),
    "server_metadata_tags": (["music", "chill"], "music"),
    "nsfw": (True, "yes please"),
    "social_handles": ([{"platform": "mastodon", "url": "https://mastodon.social/@me"}], [{"platform": "x", "url": "ftp://x"}]),
    "external_actions": ([{"title": "Donate", "url": "https://example.com/d"}], [{"url": "https://example.com"}]),
    "custom_styles": ("body{color:red}", "x" * 100_001),
    "custom_javascript": ("console.log(1)", "x" * 100_001),
    "custom_color_variable_values": ({"theme-color-palette-0": "#fff"}, {"a": 1}),
    "custom_offline_message": ("Back soon", "x" * 5001),
    "hide_viewer_count": (True, "nope"),
    "disable_search_indexing": (True, 3),
    "autoplay": ("always", "sometimes"),
    "websocket_host_override": ("wss://chat.example.com", "http://chat.example.com"),
    "http_port_number": (8081, 70000),
    "http_listen_address": ("127.0.0.1", "localhost"),
    "trusted_proxies": (["127.0.0.1", "10.0.0.0/8"], ["not-an-address"]),
    "outbound_allowed_hosts": (["127.0.0.1", "hooks.lan", "10.0.0.0/8"], ["not a host"]),
    "directory_url": ("https://directory.example.org", "not a url"),
    "notifications_apprise_urls": ([{"url": "json://127.0.0.1:9/", "goLiveMessage": "{name} is live: {url}"}], [{"message": "no url"}]),
    "webhook_retry_seconds": (3600, 5),
    "webhook_timeout_seconds": (5, 0),
    "http_idle_timeout_seconds": (5.0, 0),
    "http_max_connections": (5000, -1),
    "http_max_connections_per_address": (64, -1),
    "http_fd_reserve": (256, -1),
    "rtmp_port_number": (1936, 0),
    "rtmp_listen_address": ("::1", "256.1.1.1"),
    "admin_password_key": ("n3w-secret", ""),
    "stream_keys": ([{"key": "k" * 32, "comment": "obs"}], []),
    "stream_takeover_grace_seconds": (5.5, -1),
    "stream_timeout_seconds": (20, 0),
    "rtmp_buffer_budget_bytes": (1 << 20, 1000),
    "ffmpeg_path": ("/usr/bin/ffmpeg", "a\nb"),
    "video_codec": ("h264_nvenc", "libx265"),
    "video_latency_level": (0, -1),
    "video_stream_output_variants": ([{"videoBitrate": 3000, "framerate": 30, "cpuUsageLevel": 1, "scaledWidth": 1280}], [{"videoBitrate": "fast"}]),
    "s3_storage_config": ({"enabled": True, "endpoint": "https://s3.example.com", "bucket": "b", "accessKey": "a", "secret": "s", "region": "r", "forcePathStyle": True}, {"enabled": True}),
    "video_serving_endpoint": ("https://cdn.example.com", "cdn.example.com"),
    "offline_clip_path": ("/srv/offline.ts", "a\nb"),
    "hls_offline_cleanup_seconds": (60, -1),
    "directory_enabled": (True, "x"),
    "directory_registration_key": ("abc", "x" * 257),
    "chat_disabled": (True, "x"),
    "chat_join_messages_enabled": (False, "x"),
    "chat_established_users_only_mode": (True, "x"),
    "chat_spam_protection_enabled": (False, "x"),
    "chat_slur_filter_enabled": (True, "x"),
    "chat_require_authentication": (True, "x"),
    "chat_offline_enabled": (False, "x"),
    "chat_history_retention_hours": (48, 0),
    "chat_max_connections": (500, -1),
    "blocked_usernames": (["root"], "root"),
    "suggested_usernames": (["alice", "bob"], [1, 2]),
    "federation_enabled": (True, "x"),
    "federation_username": ("me", ""),
    "federation_private": (True, "x"),
    "federation_go_live_message": ("Live!", "x" * 501),
    "federation_show_engagement": (False, "x"),
    "federation_blocked_domains": (["bad.example"], "bad.example"),
    "federation_enable_quotes": (False, "x"),
    "schedule_enabled": (True, "sometimes"),
    "schedule_show_countdown": (True, 2),
    "schedule_chat_open_minutes": (30, 15),
    "schedule_reminder_message": ("Live soon!", "x" * 501),
    "schedule_reminder_minutes": (1440, 45),
    "schedule_second_reminder_minutes": (15, -15),
    "federation_hide_followers_tab": (True, "x"),
    "federation_stream_ended_message": ("That's all, thanks!", "x" * 501),
    "notifications_enabled": (True, "x"),
    "discord_configuration": ({"enabled": True, "webhook": "https://discord.com/api/webhooks/1/x", "goLiveMessage": "live"}, {"enabled": True}),
    "browser_push_configuration": ({"enabled": False, "goLiveMessage": "x"}, "on"),
    "logo_uniqueness": ("abc123xyz", "x" * 65),
    "public_key": ("-----BEGIN PUBLIC KEY-----", "x" * 10_001),
    "private_key": ("-----BEGIN PRIVATE KEY-----", "x" * 10_001),
    "browser_push_public_key": ("BPUB", "x" * 1001),
    "browser_push_private_key": ("BPRIV", "x" * 1001),
    "has_configured_initial_notifications": (True, "x"),
    "server_init_date": ("2026-01-01T00:00:00Z", "yesterday"),
    "peak_viewers_session": (12, -3),
    "peak_viewers_overall": (40, "many"),
    "last_disconnect_time": ("2026-01-01T00:00:00Z", "2026-13-45"),
}


def cli_text(key: str, value: Any) -> str:
    return value if KEYS[key].kind is Kind.STRING and isinstance(value, str) else json.dumps(value)


@pytest.fixture
def run(migrated: Path):
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(cli, [*args[:2], "--datadir", str(migrated), *args[2:]], catch_exceptions=False)

    return invoke


def test_samples_cover_every_key() -> None:
    assert set(SAMPLES) == set(KEYS)


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_set_get_round_trip(run, key: str) -> None:
    good, _ = SAMPLES[key]
    result = run("config", "set", "--", key, cli_text(key, good))  # "--": values may start with "-"
    assert result.exit_code == 0, result.output
    got = run("config", "get", key).output.rstrip("\n")
    if key == "admin_password_key":
        import bcrypt

        assert bcrypt.checkpw(good.encode(), got.encode())  # stored hashed, as Owncast does
    else:
        expected = good if isinstance(good, str) else good
        assert (got if KEYS[key].kind is Kind.STRING else json.loads(got)) == expected


@pytest.mark.parametrize("key", sorted(SAMPLES))
def test_bad_value_refused_naming_key_value_and_allowed(run, key: str) -> None:
    _, bad = SAMPLES[key]
    before = run("config", "export").output
    result = run("config", "set", "--", key, cli_text(key, bad))
    assert result.exit_code == 2
    message = result.output
    assert key in message and "allowed:" in message
    assert run("config", "export").output == before  # nothing written


def test_unknown_key_suggests(run) -> None:
    result = run("config", "set", "server_nam", "x")
    assert result.exit_code == 2
    assert "did you mean server_name" in result.output


@pytest.mark.parametrize("fmt,suffix", [("json", ".json"), ("toml", ".toml")])
def test_export_import_round_trip(run, migrated: Path, fmt: str, suffix: str) -> None:
    for key, (good, _) in SAMPLES.items():
        assert run("config", "set", "--", key, cli_text(key, good)).exit_code == 0
    exported = run("config", "export", "--format", fmt).output
    path = migrated / f"export{suffix}"
    path.write_text(exported)
    for key in SAMPLES:
        assert run("config", "unset", key).exit_code == 0
    dry = run("config", "import", str(path), "--dry-run")
    assert dry.exit_code == 0 and "nothing written" in dry.output
    assert run("config", "get", "server_name").output.strip() == "New Owncast Server"
    assert run("config", "import", str(path)).exit_code == 0
    assert run("config", "export", "--format", fmt).output == exported


def test_import_with_one_bad_value_writes_nothing(run, migrated: Path) -> None:
    before = run("config", "export").output
    path = migrated / "bad.json"
    path.write_text(json.dumps({"server_name": "Fine", "video_latency_level": "fast", "nsfw": True}))
    result = run("config", "import", str(path))
    assert result.exit_code == 2
    assert "video_latency_level" in result.output and "nothing imported" in result.output
    assert run("config", "export").output == before


def test_defaults_are_owncasts(run) -> None:
    values = json.loads(run("config", "list", "--json", "--show-secrets").output)
    assert values["server_name"] == "New Owncast Server"
    assert values["server_summary"] == "This is a new live video streaming server powered by Owncast."
    assert values["stream_keys"] == [{"key": "abc123", "comment": "Default stream key"}]
    assert values["video_latency_level"] == 2
    assert values["video_stream_output_variants"] == [
        {"audioPassthrough": True, "videoBitrate": 1200, "framerate": 24, "cpuUsageLevel": 2}]
    assert values["blocked_usernames"] == ["owncast", "operator", "admin", "system"]
    assert values["admin_password_key"].startswith("$2")
    masked = json.loads(run("config", "list", "--json").output)
    assert masked["admin_password_key"] == "********"


def test_latency_level_above_four_is_clamped(run) -> None:
    assert run("config", "set", "video_latency_level", "9").exit_code == 0
    assert run("config", "get", "video_latency_level").output.strip() == "4"


def test_non_live_key_says_restart(run) -> None:
    result = run("config", "set", "http_port_number", "8090")
    assert "takes effect after restart" in result.output


def test_keys_add_list_remove(run) -> None:
    added = run("keys", "add", "--comment", "OBS").output.strip()
    assert len(added) >= 30
    listing = json.loads(run("keys", "list", "--json").output)
    assert {"key": added, "comment": "OBS"} in listing
    assert run("keys", "remove", "abc123").exit_code == 0
    last = run("keys", "remove", added)
    assert last.exit_code == 2 and "last stream key" in last.output
    assert run("keys", "remove", "nope").exit_code == 2


def test_config_set_is_published_on_the_bus(run, migrated: Path) -> None:
    run("config", "set", "stream_title", "Hello")
    tail = run("events", "tail", "--json", "--since", "0", "--type", "config.changed", "--count", "1")
    assert tail.exit_code == 0
    assert json.loads(tail.output.splitlines()[0])["data"]["key"] in ("admin_password_key", "stream_title")


def test_daemon_refuses_outdated_schema(datadir: Path) -> None:
    from tests.conftest import owncast

    result = owncast("serve", "--webserverport", "0", datadir=datadir, timeout=20)
    assert result.returncode == 1
    assert "owncast migrate" in result.stderr
