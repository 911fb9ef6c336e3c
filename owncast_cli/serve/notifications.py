"""``POST /api/notifications/register``: a chat user's browser asks to be told when the stream
goes live (Owncast's ``RegisterForLiveNotifications``); the notify daemon sends the pushes."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from quart import Response, request

from owncast_cli.protocols import webpush
from owncast_cli.repos import notifications, users
from owncast_cli.simpleresponse import fail

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

MAX_BODY = 8192


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    @app.post("/api/notifications/register")
    async def register_for_live_notifications() -> Any:
        # The body first: a refused request whose body is left unread can stall the connection.
        raw = await request.get_data()
        token = request.args.get("accessToken", "")
        user = await db.run(lambda: users.user_for_token(db, token)) if token else None
        if user is None or user.disabled_at is not None:
            return Response("unauthorized", status=401, mimetype="text/plain")
        if len(raw) > MAX_BODY:
            return fail("unable to register for notifications: the request is too large")
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return fail('unable to register for notifications: expected {"channel": '
                        '"BROWSER_PUSH_NOTIFICATION", "destination": "<PushSubscription JSON>"}')
        channel, destination = body.get("channel"), body.get("destination")
        if channel != notifications.BROWSER_PUSH:
            return fail(f"invalid notification channel: {channel if isinstance(channel, str) else ''}")
        subscription = destination if isinstance(destination, str) else ""
        try:
            webpush.Subscription.parse(subscription)
        except ValueError as exc:
            return fail(f"unable to save notification: the destination must be {exc}")
        await db.run_write(lambda: notifications.add(db, notifications.BROWSER_PUSH, subscription, time.time()))
        # Owncast answers an empty 200.
        return Response("", status=200)
