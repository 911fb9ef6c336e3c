"""``/api/admin/webhooks``: list, create and delete outbound webhooks (delivered by the notify daemon)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from quart import jsonify

from owncast_cli import state
from owncast_cli.bus.catalog import WebhooksChanged
from owncast_cli.repos import webhooks
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store, ok
from owncast_cli.simpleresponse import error

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.repos.webhooks import Hook
    from owncast_cli.serve.app import Services

#: Owncast's WebhookEventType values.
EVENT_TYPES: Final = ("CHAT", "USER_JOINED", "USER_PARTED", "NAME_CHANGE", "FEDIVERSE_ENGAGEMENT_FOLLOW",
                      "VISIBILITY-UPDATE", "PING", "PONG", "STREAM_STARTED", "STREAM_STOPPED",
                      "STREAM_TITLE_UPDATED", "SYSTEM", "CHAT_ACTION")
MAX_URL: Final = 2048
EXAMPLE: Final = '{"url": "https://example.com/hook", "events": ["STREAM_STARTED"]}'


def validate(body: dict[str, Any]) -> tuple[str, list[str], str]:
    """(url, events, secret) of a create request, or BadRequest saying what is wrong."""
    url, events, secret = body.get("url"), body.get("events"), body.get("secret", "")
    if not isinstance(url, str) or len(url) > MAX_URL:
        raise BadRequest(f"expected {EXAMPLE}")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise BadRequest(f"the webhook url must be an absolute http:// or https:// URL (got {url!r})")
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise BadRequest(f"events must be a non-empty list of event types, e.g. {EXAMPLE}")
    if any(e not in EVENT_TYPES for e in events):
        raise BadRequest("one or more invalid event provided")  # Owncast's text
    if not isinstance(secret, str) or len(secret) > 256:
        raise BadRequest("secret must be a string of at most 256 characters")
    return url.strip(), list(dict.fromkeys(events)), secret


def _payload(hook: Hook) -> dict[str, Any]:
    return {"id": hook.id, "url": hook.url, "events": list(hook.events), "timestamp": state.rfc3339(hook.timestamp),
            "lastUsed": state.rfc3339(hook.last_used) if hook.last_used else None}


def register(app: QuartTrio, svc: Services) -> None:
    db, bus = svc.ctx.db, svc.ctx.bus

    @app.get("/api/admin/webhooks")
    async def admin_get_webhooks() -> Any:
        hooks = await db.run(lambda: webhooks.all_webhooks(db))
        return no_store(jsonify([_payload(hook) for hook in hooks]))

    @app.post("/api/admin/webhooks/create")
    async def admin_create_webhook() -> Any:
        try:
            url, events, secret = validate(await json_object(EXAMPLE))
        except BadRequest as exc:
            return error(str(exc))  # Owncast's CreateWebhook answers with BadRequestHandler
        now, made = time.time(), {}

        def effect() -> list[WebhooksChanged]:
            made.update(_payload(webhooks.create(db, url, events, secret, now)))
            return [WebhooksChanged(made["id"], "created")]

        await bus.publish_many([], effect=effect)
        return jsonify(made)

    @app.post("/api/admin/webhooks/delete")
    async def admin_delete_webhook() -> Any:
        try:
            body = await json_object('{"id": 1}')
        except BadRequest as exc:
            return fail(str(exc))
        webhook_id = body.get("id")
        if isinstance(webhook_id, float) and webhook_id.is_integer():
            webhook_id = int(webhook_id)
        if isinstance(webhook_id, bool) or not isinstance(webhook_id, int):
            return fail('expected {"id": <webhook id, an integer>}')
        found: list[bool] = []

        def effect() -> list[WebhooksChanged]:
            found.append(webhooks.delete(db, webhook_id))
            return [WebhooksChanged(webhook_id, "deleted")] if found[0] else []

        await bus.publish_many([], effect=effect)
        if not found[0]:
            return fail(f"no webhook with id {webhook_id}")
        return ok("deleted webhook")
