"""Owncast's ``WriteSimpleResponse`` (``{"success", "message"}``) and ``BadRequestHandler``
(``{"error"}``), shared by serve's and chat's routes."""

from __future__ import annotations

from quart import Response, jsonify
from werkzeug.exceptions import HTTPException, MethodNotAllowed


def ok(message: str) -> Response:
    """200 ``{"success": true, "message": ...}``."""
    return jsonify({"success": True, "message": message})


def fail(message: str, status: int = 400) -> Response:
    """``{"success": false, "message": ...}`` with ``status`` (400 unless said otherwise)."""
    response = jsonify({"success": False, "message": message})
    response.status_code = status
    return response


def error(message: str) -> Response:
    """400 ``{"error": ...}``: Owncast's BadRequestHandler, where a handler answers with it."""
    response = jsonify({"error": message})
    response.status_code = 400
    return response


def http_error(exc: HTTPException, path: str) -> Response:
    """What a routing or protocol error (404, 405, 413...) looks like, the same in serve and chat:
    JSON ``{"error"}`` under /api/ (Owncast's chi router answers plain text there: status kept),
    plain text elsewhere; a 405 names the allowed methods."""
    if path.startswith("/api/"):
        response = jsonify({"error": exc.description or exc.name})
    else:
        response = Response(exc.description or exc.name, mimetype="text/plain")
    response.status_code = exc.code or 500
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response
