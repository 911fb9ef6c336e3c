"""Owncast's ``WriteSimpleResponse`` (``{"success", "message"}``) and ``BadRequestHandler``
(``{"error"}``), shared by serve's and chat's routes."""

from __future__ import annotations

from quart import Response, jsonify


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
