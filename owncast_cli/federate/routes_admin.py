"""Owncast's admin routes for followers and federation (Basic auth, installed by app.py)."""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from quart import Blueprint, Response, jsonify, request

from owncast_cli.federate import followers
from owncast_cli.federate.http import federate
from owncast_cli.repos import ap_followers, ap_outbox
from owncast_cli.simpleresponse import fail, ok

bp = Blueprint("federation_admin", __name__)

_GO_INT = re.compile(r"[+-]?[0-9]+")


def _paging() -> tuple[int | None, int] | str:
    """(limit, offset) from Owncast's ``?limit=&offset=`` (Go's Atoi rules), or the problem."""
    values = {}
    for name in ("offset", "limit"):
        raw = request.args.get(name, "")
        if raw and not (_GO_INT.fullmatch(raw) and -(2**63) <= int(raw) < 2**63):  # Go's Atoi
            return f"{name} must be an integer (got {raw!r})"
        values[name] = int(raw) if raw else 0
    limit = values["limit"] if values["limit"] > 0 else None
    return limit, max(0, values["offset"])


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/admin/followers")
async def list_followers() -> Any:
    paging = _paging()
    if isinstance(paging, str):
        return fail(paging)
    db = federate().service.db
    total = await db.run(partial(ap_followers.approved_count, db))
    found = await db.run(partial(ap_followers.approved, db, *paging))
    return _no_store(jsonify({"total": total, "results": [f.as_owncast() for f in found]}))


@bp.get("/api/admin/followers/pending")
async def pending() -> Any:
    db = federate().service.db
    return _no_store(jsonify([f.as_owncast() for f in await db.run(partial(ap_followers.pending, db))]))


@bp.get("/api/admin/followers/blocked")
async def blocked() -> Any:
    db = federate().service.db
    return _no_store(jsonify([f.as_owncast() for f in await db.run(partial(ap_followers.blocked, db))]))


@bp.get("/api/admin/followers/directory")
async def directories() -> Any:
    return _no_store(jsonify([]))  # Owncast 0.3's directory follows are not built


async def _json() -> Any:
    """The request's JSON, or None for anything else (Quart decodes UTF-8 before ``silent``)."""
    try:
        return await request.get_json(force=True, silent=True)
    except UnicodeDecodeError:
        return None


async def _actor_body(example: str) -> dict[str, Any] | Response:
    body = await _json()
    if not isinstance(body, dict) or not isinstance(body.get("actorIRI"), str) or not body["actorIRI"]:
        return fail(f"expected {example}")
    return body


@bp.post("/api/admin/followers/approve")
async def approve() -> Any:
    body = await _actor_body('{"actorIRI": "https://example.social/users/name", "approved": true}')
    if isinstance(body, Response):
        return body
    if not isinstance(body.get("approved"), bool):
        return fail('expected {"actorIRI": "https://example.social/users/name", "approved": true or false}')
    fed = federate()
    db, c, now, iri = fed.service.db, await fed.service.config(), fed.service.clock(), body["actorIRI"]
    try:
        if body["approved"]:
            await fed.ctx.bus.publish_many([], effect=lambda: followers.approve(db, c, iri, now))
            fed.outbox.wake()
        else:
            await db.run_write(lambda: followers.block(db, iri, now))
    except followers.NoSuchFollower as exc:
        return fail(str(exc))
    return ok("follower updated")


@bp.post("/api/admin/followers/remove")
async def remove() -> Any:
    body = await _actor_body('{"actorIRI": "https://example.social/users/name"}')
    if isinstance(body, Response):
        return body
    db = federate().service.db
    try:
        await db.run_write(lambda: followers.remove(db, body["actorIRI"]))
    except followers.NoSuchFollower as exc:
        return fail(str(exc))
    return ok("follower removed")


@bp.post("/api/admin/federation/send")
async def send() -> Any:
    body = await _json()
    value = body.get("value") if isinstance(body, dict) else None
    if not isinstance(value, str) or not value.strip():
        return fail('expected {"value": "the message to post"}')
    fed = federate()
    c = await fed.service.config()
    if not c.federation_enabled:
        return fail("federation is disabled: enable it first (owncast config set federation_enabled true)")
    if not c.server_url:
        return fail("set the server URL first (owncast config set server_url https://...)")
    db, now = fed.service.db, fed.service.clock()
    await db.run_write(lambda: followers.post(db, c, value, now))
    fed.outbox.wake()
    return ok("sent")


@bp.get("/api/admin/federation/actions")
async def actions() -> Any:
    paging = _paging()
    if isinstance(paging, str):
        return fail(paging)
    limit, offset = paging
    db = federate().service.db
    total, found = await db.run(partial(ap_outbox.actions, db, limit if limit is not None else -1, offset))
    from owncast_cli.federate.service import rfc3339

    results = [{"iri": a.iri, "actorIRI": a.actor, "type": a.type, "timestamp": rfc3339(a.timestamp)} for a in found]
    return _no_store(jsonify({"total": total, "results": results}))
