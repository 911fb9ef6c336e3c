"""``/api/admin/webhooks``: list, create and delete outbound webhooks (delivered by the notify daemon),
and our additions: the dead-letter list, replay, resuming a paused webhook, and a test send."""

from __future__ import annotations

import secrets
import time
from typing import TYPE_CHECKING, Any

from quart import jsonify

from owncast_cli.bus.catalog import WebhooksChanged
from owncast_cli.outbound.client import allowed_hosts
from owncast_cli.repos import deliveries, webhooks
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store, ok
from owncast_cli.simpleresponse import error
from owncast_cli.webhooks import EXAMPLE, failure_payload, hook_payload, validate
from owncast_cli.webhooks.send import send_ping

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def _int_id(body: dict[str, Any]) -> int | None:
    value = body.get("id")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if isinstance(value, bool) or not isinstance(value, int) else value


def register(app: QuartTrio, svc: Services) -> None:
    db, bus = svc.ctx.db, svc.ctx.bus

    @app.get("/api/admin/webhooks")
    async def admin_get_webhooks() -> Any:
        def read() -> list[dict[str, Any]]:
            pending = deliveries.pending_counts(db)
            return [hook_payload(hook, pending.get(hook.id, 0)) for hook in webhooks.all_webhooks(db)]

        return no_store(jsonify(await db.run(read)))

    @app.post("/api/admin/webhooks/create")
    async def admin_create_webhook() -> Any:
        try:
            url, events, secret = validate(await json_object(EXAMPLE))
        except ValueError as exc:  # BadRequest included
            return error(str(exc))  # Owncast's CreateWebhook answers with BadRequestHandler
        # A secret is generated unless the admin brought one; this answer is the only one that shows it.
        secret = secret or secrets.token_hex(32)
        now, made = time.time(), dict[str, Any]()

        def effect() -> list[WebhooksChanged]:
            made.update(hook_payload(webhooks.create(db, url, events, secret, now)), secret=secret)
            return [WebhooksChanged(made["id"], "created")]

        await bus.publish_many([], effect=effect)
        return no_store(jsonify(made))

    @app.post("/api/admin/webhooks/delete")
    async def admin_delete_webhook() -> Any:
        try:
            body = await json_object('{"id": 1}')
        except BadRequest as exc:
            return fail(str(exc))
        webhook_id = _int_id(body)
        if webhook_id is None:
            return fail('expected {"id": <webhook id, an integer>}')
        found: list[bool] = []

        def effect() -> list[WebhooksChanged]:
            found.append(webhooks.delete(db, webhook_id))
            return [WebhooksChanged(webhook_id, "deleted")] if found[0] else []

        await bus.publish_many([], effect=effect)
        if not found[0]:
            return fail(f"no webhook with id {webhook_id}")
        return ok("deleted webhook")  # Owncast's text

    @app.get("/api/admin/webhooks/failures")
    async def admin_webhook_failures() -> Any:
        rows = await db.run(lambda: deliveries.failures(db))
        return no_store(jsonify([failure_payload(row) for row in rows]))

    @app.post("/api/admin/webhooks/replay")
    async def admin_webhook_replay() -> Any:
        """Send a dead-lettered delivery again (and resume its webhook if it was paused)."""
        try:
            delivery_id = _int_id(await json_object('{"id": 1}'))
        except BadRequest as exc:
            return fail(str(exc))
        if delivery_id is None:
            return fail('expected {"id": <delivery id from /api/admin/webhooks/failures>}')
        row = await db.run_write(lambda: deliveries.replay(db, delivery_id, time.time()))
        if row is None:
            return fail(f"no webhook delivery with id {delivery_id}")
        return ok(f"delivery {delivery_id} queued again for webhook {row.webhook_id}")

    @app.post("/api/admin/webhooks/resume")
    async def admin_webhook_resume() -> Any:
        try:
            webhook_id = _int_id(await json_object('{"id": 1}'))
        except BadRequest as exc:
            return fail(str(exc))
        if webhook_id is None or not await db.run_write(lambda: webhooks.resume(db, webhook_id)):
            return fail(f"no webhook with id {webhook_id}")
        return ok(f"webhook {webhook_id} resumed")


    @app.post("/api/admin/webhooks/test")
    async def admin_webhook_test() -> Any:
        """POST a signed PING to ``url`` now and answer what it said (``owncast webhooks test``)."""
        example = '{"url": "https://example.com/hook", "secret": "optional"}'
        try:
            body = await json_object(example)
        except BadRequest as exc:
            return fail(str(exc))
        url, secret = body.get("url"), body.get("secret", "")
        if not isinstance(url, str) or not isinstance(secret, str) or len(secret) > 256:
            return fail(f"expected {example}")
        try:
            url, _, _ = validate({"url": url, "events": ["PING"]})
        except ValueError as exc:
            return fail(str(exc))
        config = svc.live.values
        status, outcome, took = await send_ping(db, config, allowed_hosts(config), url, secret)
        return no_store(jsonify({"success": status is not None and 200 <= status < 300, "status": status,
                                 "message": outcome, "milliseconds": round(took * 1000)}))
