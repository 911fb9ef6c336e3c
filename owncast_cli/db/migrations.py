"""Ordered schema migrations; the schema version is the number of migrations applied."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from owncast_cli.db.database import Database

# Each entry is one migration: a list of statements applied in one transaction. Append only:
# never edit a migration that has shipped, add a new one.
MIGRATIONS: list[list[str]] = [
    # 1: config store, event log, subscriber cursors, daemon registry, runtime state.
    [
        """CREATE TABLE datastore (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            timestamp REAL NOT NULL
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            source TEXT NOT NULL,
            ts REAL NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX events_type ON events(type, id)",
        """CREATE TABLE bus_cursors (
            name TEXT PRIMARY KEY,
            last_id INTEGER NOT NULL,
            updated_at REAL NOT NULL
        )""",
        """CREATE TABLE daemons (
            name TEXT PRIMARY KEY,
            pid INTEGER NOT NULL,
            state TEXT NOT NULL,
            started_at REAL NOT NULL,
            restarts INTEGER NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE runtime (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at REAL NOT NULL
        )""",
    ],
    # 2: chat users, access tokens, messages and IP bans, in Owncast's table shapes
    # (persistence/migrations/00001_init.sql). Times are epoch seconds; previous_names and
    # scopes are JSON lists (a comma list cannot hold a name with a comma).
    [
        """CREATE TABLE users (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            display_color INTEGER NOT NULL,
            created_at REAL NOT NULL,
            disabled_at REAL,
            previous_names TEXT NOT NULL DEFAULT '[]',
            namechanged_at REAL,
            authenticated_at REAL,
            scopes TEXT NOT NULL DEFAULT '[]',
            type TEXT NOT NULL DEFAULT 'STANDARD',
            last_used REAL
        )""",
        "CREATE INDEX users_display_name ON users(display_name)",
        """CREATE TABLE user_access_tokens (
            token TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            timestamp REAL NOT NULL
        )""",
        "CREATE INDEX user_access_tokens_user ON user_access_tokens(user_id)",
        """CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            user_id TEXT,
            body TEXT NOT NULL,
            eventType TEXT NOT NULL,
            hidden_at REAL,
            timestamp REAL NOT NULL,
            title TEXT,
            subtitle TEXT,
            image TEXT,
            link TEXT
        )""",
        "CREATE INDEX messages_timestamp ON messages(timestamp)",
        "CREATE INDEX messages_user ON messages(user_id)",
        """CREATE TABLE ip_bans (
            ip_address TEXT PRIMARY KEY,
            notes TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL
        )""",
    ],
    # 3: webhooks (Owncast's table: events as a JSON list) and the admin's time series
    # (viewers, chat clients, cpu, memory, disk), sampled every minute.
    [
        """CREATE TABLE webhooks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            url TEXT NOT NULL,
            events TEXT NOT NULL,
            secret TEXT NOT NULL DEFAULT '',
            timestamp REAL NOT NULL,
            last_used REAL
        )""",
        """CREATE TABLE metric_samples (
            name TEXT NOT NULL,
            ts REAL NOT NULL,
            value REAL NOT NULL
        )""",
        "CREATE INDEX metric_samples_name_ts ON metric_samples(name, ts)",
    ],
    # 4: the players' raw playback reports (POST /api/metrics/playback), kept for a week beside
    # the 2-minute health overview that Owncast keeps only in memory.
    [
        """CREATE TABLE playback_reports (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            client_id TEXT NOT NULL,
            bandwidth REAL,
            latency REAL,
            errors REAL NOT NULL,
            download_duration REAL,
            quality_variant_changes REAL NOT NULL
        )""",
        "CREATE INDEX playback_reports_ts ON playback_reports(ts)",
    ],
    # Scheduled streams: series (an RFC 5545 rule), stored occurrences (one-off events, and the
    # cancelled, moved or edited occurrences of a series), and the reminders already sent.
    [
        """CREATE TABLE schedule_series (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            reminder_message TEXT NOT NULL DEFAULT '',
            recurrence TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL
        )""",
        """CREATE TABLE schedule_events (
            id TEXT PRIMARY KEY,
            series_id TEXT,
            original_start TEXT,
            name TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            reminder_message TEXT NOT NULL DEFAULT '',
            start_time TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL,
            timezone TEXT NOT NULL,
            status TEXT NOT NULL,
            updated_at REAL NOT NULL
        )""",
        "CREATE UNIQUE INDEX schedule_events_slot ON schedule_events(series_id, original_start)",
        "CREATE INDEX schedule_events_start ON schedule_events(start_time)",
        """CREATE TABLE schedule_reminders (
            occurrence_id TEXT PRIMARY KEY,
            sent_at REAL NOT NULL
        )""",
    ],
    # notify: one row per (webhook, event) to deliver with retries, the webhook's delivery state,
    # browser push subscriptions (Owncast's ``notifications`` table) and the go-live and
    # reminder notices sent through the channels.
    [
        "ALTER TABLE webhooks ADD COLUMN paused_at REAL",
        "ALTER TABLE webhooks ADD COLUMN paused_reason TEXT",
        "ALTER TABLE webhooks ADD COLUMN last_status TEXT",
        """CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            event_type TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            next_attempt_at REAL NOT NULL,
            last_attempt_at REAL,
            last_status TEXT,
            delivered_at REAL,
            failing_since REAL,
            UNIQUE (webhook_id, event_id)
        )""",
        "CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, webhook_id, id)",
        """CREATE TABLE notifications (
            id INTEGER PRIMARY KEY,
            channel TEXT NOT NULL,
            destination TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (channel, destination)
        )""",
        """CREATE TABLE notify_notices (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            due_at REAL NOT NULL,
            state TEXT NOT NULL,
            outcomes TEXT NOT NULL DEFAULT '{}',
            done_at REAL
        )""",
    ],
    # federate: followers, what we published, inbound engagement, and the two
    # durable queues (inbox activities to handle, deliveries to make) with a breaker per domain.
    [
        """CREATE TABLE ap_followers (
            iri TEXT PRIMARY KEY,
            inbox TEXT NOT NULL,
            shared_inbox TEXT,
            name TEXT NOT NULL DEFAULT '',
            username TEXT NOT NULL DEFAULT '',
            image TEXT,
            link TEXT NOT NULL DEFAULT '',
            request TEXT NOT NULL DEFAULT '',
            request_object TEXT NOT NULL DEFAULT '{}',
            created_at REAL NOT NULL,
            approved_at REAL,
            disabled_at REAL
        )""",
        """CREATE TABLE ap_outbox (
            iri TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            type TEXT NOT NULL,
            created_at REAL NOT NULL,
            live_notification INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX ap_outbox_created ON ap_outbox(created_at)",
        """CREATE TABLE ap_accepted_activities (
            id INTEGER PRIMARY KEY,
            iri TEXT NOT NULL,
            actor TEXT NOT NULL,
            type TEXT NOT NULL,
            timestamp REAL NOT NULL,
            UNIQUE (iri, actor, type)
        )""",
        """CREATE TABLE ap_inbox_queue (
            id INTEGER PRIMARY KEY,
            activity_id TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            received_at REAL NOT NULL,
            done_at REAL
        )""",
        "CREATE INDEX ap_inbox_queue_pending ON ap_inbox_queue(done_at, id)",
        """CREATE TABLE ap_delivery_queue (
            id INTEGER PRIMARY KEY,
            inbox TEXT NOT NULL,
            activity_iri TEXT NOT NULL,
            body TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at REAL NOT NULL,
            created_at REAL NOT NULL,
            delivered_at REAL,
            failed_at REAL,
            last_error TEXT NOT NULL DEFAULT '',
            UNIQUE (inbox, activity_iri)
        )""",
        "CREATE INDEX ap_delivery_due ON ap_delivery_queue(delivered_at, failed_at, next_at)",
        """CREATE TABLE ap_domains (
            domain TEXT PRIMARY KEY,
            failures INTEGER NOT NULL DEFAULT 0,
            open_until REAL NOT NULL DEFAULT 0
        )""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)


def current_version(db: Database) -> int:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_version'"
    )
    if not rows:
        return 0
    rows = db.execute("SELECT MAX(version) FROM schema_version")
    return int(rows[0][0] or 0)


def migrate(db: Database) -> list[int]:
    """Apply every pending migration, each in its own ``BEGIN IMMEDIATE`` transaction."""
    applied: list[int] = []
    with db.peewee.atomic("IMMEDIATE"):
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at REAL)"
        )
    while True:
        # Re-read inside the write lock so two processes migrating at once apply each step once.
        with db.peewee.atomic("IMMEDIATE"):
            have = current_version(db)
            if have >= SCHEMA_VERSION:
                return applied
            for statement in MIGRATIONS[have]:
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                (have + 1, time.time()),
            )
            applied.append(have + 1)
