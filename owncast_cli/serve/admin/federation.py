"""Directory and fediverse admin routes that answer with empty data until federation runs here.

``/api/admin/yp/reset`` forgets the directory registration key (the directory issues a new one on
the next ping). The followers lists are empty: the federation daemon will keep followers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import jsonify, request

from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store, ok
from owncast_cli.serve.admin.configure import set_values
from owncast_cli.serve.api_public import pagination_problem

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services


def register(app: QuartTrio, svc: Services) -> None:
    @app.route("/api/admin/yp/reset", methods=["GET", "POST"])
    async def admin_reset_yp() -> Any:
        # Owncast's spec says POST; its admin has used GET.
        await set_values(svc.ctx, {"directory_registration_key": ""})
        return ok("reset")

    @app.get("/api/admin/followers")
    async def admin_get_followers() -> Any:
        problem = pagination_problem(request.args)
        if problem:
            return fail(problem)
        return no_store(jsonify({"total": 0, "results": []}))

    async def no_followers() -> Any:
        return no_store(jsonify([]))

    for path in ("pending", "blocked", "directory"):
        app.add_url_rule(f"/api/admin/followers/{path}", f"admin_followers_{path}", no_followers, methods=["GET"])

    @app.post("/api/admin/followers/approve")
    async def admin_approve_follower() -> Any:
        try:
            body = await json_object('{"actorIRI": "https://example.social/users/name", "approved": true}')
        except BadRequest as exc:
            return fail(str(exc))
        actor = body.get("actorIRI")
        if not isinstance(actor, str) or not actor or not isinstance(body.get("approved"), bool):
            return fail('expected {"actorIRI": "https://...", "approved": true or false}')
        return fail(f"no follow request from {actor}")
