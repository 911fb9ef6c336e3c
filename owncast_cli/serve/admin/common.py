"""Owncast's admin answer shapes: ``{"success", "message"}``, and reading a JSON request body."""

from __future__ import annotations

from typing import Any

from quart import Response, jsonify, request
from werkzeug.exceptions import HTTPException


class BadRequest(ValueError):
    """A request body the route cannot use; the message says what it expects."""


def ok(message: str) -> Response:
    return jsonify({"success": True, "message": message})


def fail(message: str, status: int = 400) -> Response:
    """Owncast's ``WriteSimpleResponse(w, false, msg)``: 400 with the reason."""
    response = jsonify({"success": False, "message": message})
    response.status_code = status
    return response


def too_large() -> HTTPException:
    """413, closing the connection: the unread rest of the body must not stall the next request."""
    response = jsonify({"success": False, "message": "the request body is too large"})
    response.status_code = 413
    response.headers["Connection"] = "close"
    return HTTPException(response=response)


async def json_object(example: str) -> dict[str, Any]:
    """The request body as a JSON object, or BadRequest naming the expected shape."""
    try:
        value = await request.get_json(force=True, silent=False)
    except HTTPException as exc:
        if exc.code == 413:
            raise too_large() from None
        value = None
    except Exception:
        value = None
    if not isinstance(value, dict):
        raise BadRequest(f"the body must be a JSON object such as {example}")
    return value


def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def as_int(value: Any) -> Any:
    """JSON numbers from JavaScript clients arrive as floats (2.0): integral ones become ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
