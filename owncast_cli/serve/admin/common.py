"""Owncast's admin answer shapes: ``{"success", "message"}``, and reading a JSON request body."""

from __future__ import annotations

from typing import Any

from quart import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from owncast_cli.simpleresponse import fail, ok  # noqa: F401  (re-exported to the routes)


class BadRequest(ValueError):
    """A request body the route cannot use; the message says what it expects."""


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
