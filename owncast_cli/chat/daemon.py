"""``owncast chat``: the chat app on ``run/chat.sock``, and mounted in serve when in one process."""

from __future__ import annotations

import logging
import os
from functools import partial
from typing import TYPE_CHECKING

import trio
from hypercorn.config import Config
from hypercorn.trio import serve as hypercorn_serve

from owncast_cli import state
from owncast_cli.bodyfirst import body_first
from owncast_cli.chat.app import create_app, websocket_handler
from owncast_cli.chat.rules import MAX_FRAME_SIZE
from owncast_cli.chat.service import ChatService
from owncast_cli.fdlimit import raise_open_file_limit

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context

logger = logging.getLogger("owncast.chat")

#: Request bodies read before chat answers when it runs apart (see owncast_cli/bodyfirst.py).
MAX_BODY = 1 << 20


#: How often the number of connected chat clients is written for the admin API and metrics.
CLIENT_COUNT_EVERY = 1.0


async def _record_client_count(ctx: Context, service: ChatService) -> None:
    """Keep ``state.chat_clients`` current (a daemon apart from serve shares it through the DB)."""
    written = -1
    while not ctx.stopping.is_set():
        count = service.client_count
        if count != written:
            await ctx.db.run_write(partial(state.put, ctx.db, state.CHAT, {"clients": count}))
            written = count
        with trio.move_on_after(CLIENT_COUNT_EVERY):
            await ctx.stopping.wait()


async def serve(ctx: Context, *, task_status: trio.TaskStatus[list[str]] = trio.TASK_STATUS_IGNORED) -> None:
    # Every websocket is a descriptor; Owncast sizes its connection limit from the open-file limit.
    raise_open_file_limit()
    sock_path = ctx.settings.socket_path("chat")
    if sock_path.exists():
        sock_path.unlink()  # left by a crash: replace it
    service = ChatService(ctx)
    app = create_app(service)
    config = Config()
    config.bind = [f"unix:{sock_path}"]
    config.accesslog = logging.getLogger("owncast.http") if ctx.settings.verbose else None
    config.errorlog = logging.getLogger("hypercorn.error")
    config.graceful_timeout = 2.0
    # Frames beyond Owncast's read limit close the socket; let them arrive so the app can say so
    # with 1009, but nothing much larger.
    config.websocket_max_message_size = 4 * MAX_FRAME_SIZE
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(service.run)
            nursery.start_soon(_record_client_count, ctx, service)
            binds = await nursery.start(
                lambda task_status: hypercorn_serve(body_first(app, MAX_BODY), config,
                                                    shutdown_trigger=ctx.stopping.wait,
                                                    task_status=task_status)
            )
            ctx.http_apps["chat"] = app
            ctx.ws_handlers["chat"] = websocket_handler(service)
            logger.info("chat serving on %s", ", ".join(binds))
            task_status.started(binds)
    finally:
        ctx.http_apps.pop("chat", None)
        ctx.ws_handlers.pop("chat", None)
        try:
            os.unlink(sock_path)
        except FileNotFoundError:
            pass
