"""Owncast's public ``/api`` routes (no authentication)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from quart import Response, g, jsonify, request
from werkzeug.exceptions import NotFound

from owncast_cli import state
from owncast_cli.repos import ap_followers
from owncast_cli.serve import api_public, routes_schedule
from owncast_cli.serve.app import no_cache
from owncast_cli.simpleresponse import fail

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    async def runtime() -> tuple[dict[str, Any], dict[str, int]]:
        return await db.run(lambda: (state.stream(db), state.viewers(db)))

    upcoming = routes_schedule.NextEvent(db)

    @app.get("/api/status")
    async def get_status() -> Any:
        stream, viewers = await runtime()
        values = svc.live.values
        body = api_public.status(stream, viewers, values)
        event = await upcoming.get() if values.schedule_enabled else None
        if event is not None:
            body["scheduledEvent"] = routes_schedule.status_field(
                event, values.schedule_chat_open_minutes, datetime.now(UTC), stream)
        return no_cache(jsonify(body))

    @app.get("/api/config")
    async def get_config() -> Any:
        return no_cache(jsonify(api_public.web_config(svc.live.values)))

    @app.get("/api/yp")
    async def get_yp() -> Any:
        # Owncast answers 404 unless the server is listed in the directory.
        if not svc.live.values.directory_enabled:
            raise NotFound("directory listing is not enabled on this server")
        stream, viewers = await runtime()
        return no_cache(jsonify(api_public.yp(stream, viewers, svc.live.values)))

    @app.get("/api/socialplatforms")
    async def get_social_platforms() -> Any:
        return jsonify(api_public.social_platforms())

    @app.get("/api/video/variants")
    async def get_variants() -> Any:
        return no_cache(jsonify(api_public.video_variants(svc.live.values)))

    @app.get("/api/emoji")
    async def get_emoji() -> Any:
        import trio

        from owncast_cli.emoji import emoji_list

        folders = (svc.ctx.settings.emoji_dir, svc.web_root / "emoji")
        return no_cache(jsonify(await trio.to_thread.run_sync(emoji_list, *folders)))

    @app.get("/api/ping")
    async def ping() -> Any:
        svc.viewers.seen(g.client_ip, request.headers.get("User-Agent", ""))
        return no_cache(Response("", status=200, mimetype="text/plain"))

    @app.get("/api/followers")
    async def get_followers() -> Any:
        # The federate daemon keeps followers in the shared database; serve reads them, so the
        # page's followers tab works while federate is down.
        problem = api_public.pagination_problem(request.args)
        if problem:
            return fail(problem)  # Owncast: 400 with no body; the documented shape says why
        limit = int(request.args.get("limit") or 0)
        offset = max(0, int(request.args.get("offset") or 0))
        db = svc.ctx.db

        def read() -> dict[str, Any]:
            found = ap_followers.approved(db, limit if limit > 0 else None, offset)
            return {"total": ap_followers.approved_count(db), "results": [f.as_owncast() for f in found]}

        return no_cache(jsonify(await db.run(read)))

