"""What the admin API and ``owncast webhooks`` say about webhooks: the event types, checks, shapes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from owncast_cli import state

if TYPE_CHECKING:
    from owncast_cli.repos.deliveries import Row
    from owncast_cli.repos.webhooks import Hook


#: Owncast's WebhookEventType values.
EVENT_TYPES: Final = ("CHAT", "USER_JOINED", "USER_PARTED", "NAME_CHANGE", "FEDIVERSE_ENGAGEMENT_FOLLOW",
                      "VISIBILITY-UPDATE", "PING", "PONG", "STREAM_STARTED", "STREAM_STOPPED",
                      "STREAM_TITLE_UPDATED", "SYSTEM", "CHAT_ACTION")
MAX_URL: Final = 2048
EXAMPLE: Final = '{"url": "https://example.com/hook", "events": ["STREAM_STARTED"]}'


def validate(body: dict[str, Any]) -> tuple[str, list[str], str]:
    """(url, events, secret) of a create request, or ValueError saying what is wrong."""
    url, events, secret = body.get("url"), body.get("events"), body.get("secret", "")
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise ValueError(f"expected {EXAMPLE}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"the webhook url must be an absolute http:// or https:// URL (got {url!r})")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise ValueError(f"events must be a non-empty list of event types, e.g. {EXAMPLE}")
    if any(e not in EVENT_TYPES for e in events):
        raise ValueError("one or more invalid event provided")  # Owncast's text (models/webhook.go)
    if not isinstance(secret, str) or len(secret) > 256:
        raise ValueError("secret must be a string of at most 256 characters")
    return url.strip(), list(dict.fromkeys(events)), secret


def mask(secret: str) -> str:
    """A secret as listed after creation: enough to tell two apart, not enough to sign."""
    return "****" + secret[-4:] if len(secret) >= 12 else "****"


def hook_payload(hook: Hook, pending: int = 0) -> dict[str, Any]:
    """Owncast's Webhook fields, then ours: the masked secret and how delivery goes."""
    return {"id": hook.id, "url": hook.url, "events": list(hook.events), "timestamp": state.rfc3339(hook.timestamp),
            "lastUsed": state.rfc3339(hook.last_used) if hook.last_used else None,
            "secret": mask(hook.secret), "lastStatus": hook.last_status, "pending": pending,
            "paused": hook.paused_at is not None, "pausedReason": hook.paused_reason}


def failure_payload(row: Row) -> dict[str, Any]:
    return {"id": row.id, "webhookId": row.webhook_id, "eventId": row.event_id, "type": row.event_type,
            "attempts": row.attempts, "lastStatus": row.last_status,
            "lastAttempt": state.rfc3339(row.last_attempt_at) if row.last_attempt_at else None,
            "created": state.rfc3339(row.created_at)}
