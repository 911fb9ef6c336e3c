"""The quart-trio application of the front door."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import Response, jsonify, request
from quart_trio import QuartTrio
from werkzeug.exceptions import HTTPException

from owncast_cli import state
from owncast_cli.serve import api_public

if TYPE_CHECKING:
    from owncast_cli.daemons.context import Context


def create_app(ctx: Context) -> QuartTrio:
    app = QuartTrio("owncast", static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = 1 << 20
    db = ctx.db

    @app.get("/api/status")
    async def get_status() -> Any:
        def read() -> tuple[dict[str, Any], dict[str, int], dict[str, Any]]:
            return state.stream(db), state.viewers(db), ctx.config.all()

        stream, viewers, config = await db.run(read)
        return _no_cache(jsonify(api_public.status(stream, viewers, config)))

    @app.get("/api/config")
    async def get_config() -> Any:
        config = await db.run(ctx.config.all)
        return _no_cache(jsonify(api_public.web_config(config)))

    @app.errorhandler(HTTPException)
    async def http_error(exc: HTTPException) -> Any:
        # Owncast's API answers errors as JSON; other paths get plain text.
        if request.path.startswith("/api/"):
            response = jsonify({"error": exc.description or exc.name})
            response.status_code = exc.code or 500
            return response
        return Response(exc.description or exc.name, status=exc.code or 500, mimetype="text/plain")

    return app


def _no_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate"
    return response
