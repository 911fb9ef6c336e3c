"""The public federation routes of Owncast (features reference 1.6): discovery, actor, inbox,
outbox, followers, objects. Every one answers 405 while federation is disabled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from quart import Blueprint, Response, g, redirect, request

from owncast_cli.federate import inbox
from owncast_cli.federate.http import activity_response, empty, federate, wants_activitypub
from owncast_cli.protocols.activitypub import activities, documents
from owncast_cli.protocols.activitypub.actor import CONTEXT, actor
from owncast_cli.repos import ap_followers, ap_outbox

if TYPE_CHECKING:
    from owncast_cli.db import Database

logger = logging.getLogger("owncast.federate.inbox")
bp = Blueprint("federation_public", __name__)

PAGE_SIZE: Final = 50
#: An inbox body larger than this is refused before verification (Mastodon posts are a few KB).
MAX_INBOX_BODY: Final = 256 * 1024
VERSION: Final = "0.2.3"


@bp.before_request
async def federation_enabled() -> Response | None:
    fed = federate()
    g.config = await fed.service.config()
    if not g.config.federation_enabled:
        return empty(405)
    return None


def _server_url() -> str:
    return g.config.server_url.rstrip("/")


@bp.get("/.well-known/webfinger")
async def webfinger() -> Any:
    c = g.config
    if not c.server_url or not documents.host_of(c.server_url):
        return empty(404)
    status = documents.webfinger_status(request.args.get("resource", ""), c.federation_username, c.server_url)
    if status != 200:
        return empty(status)
    return activity_response(documents.webfinger(c.federation_username, _server_url()),
                             content_type="application/jrd+json")


@bp.get("/.well-known/host-meta")
async def host_meta() -> Any:
    if not _server_url():
        return empty(404)
    return Response(documents.host_meta(_server_url()), content_type="application/xrd+xml; charset=utf-8")


@bp.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> Any:
    if not _server_url():
        return empty(404)
    return activity_response(documents.nodeinfo_links(_server_url()), content_type="application/json")


async def _local_posts() -> int:
    db = federate().service.db
    return await db.run(partial(ap_outbox.note_count, db))


@bp.get("/nodeinfo/2.0")
async def nodeinfo() -> Any:
    c = g.config
    doc = documents.nodeinfo(VERSION, await _local_posts(), c.chat_disabled is False)
    return activity_response(doc, content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"')


@bp.get("/.well-known/x-nodeinfo2")
async def x_nodeinfo2() -> Any:
    c = g.config
    if not _server_url():
        return empty(404)
    return activity_response(documents.x_nodeinfo2(c.server_url, c.server_name, VERSION, await _local_posts()),
                             content_type="application/json")


@bp.get("/api/v1/instance")
async def instance() -> Any:
    c = g.config
    if not _server_url():
        return empty(404)
    return activity_response(documents.instance(c.server_url, c.server_name, c.server_summary,
                                                f"Owncast v{VERSION}", await _local_posts()),
                             content_type="application/json")


def _not_ours(username: str) -> bool:
    return username != g.config.federation_username


def _redirect_unless_activitypub() -> Any:
    if wants_activitypub(request.headers.get("Accept", ""), request.headers.get("Content-Type", "")):
        return None
    return redirect("/", 307)


@bp.get("/federation/user/<username>")
async def get_actor(username: str) -> Any:
    other = _redirect_unless_activitypub()
    if other is not None:
        return other
    if _not_ours(username):
        return empty(404)
    fed = federate()
    return activity_response(actor(fed.service.profile(g.config)))


@bp.post("/federation/user/<username>/inbox")
async def post_inbox(username: str) -> Any:
    if _not_ours(username):
        return empty(404)
    fed = federate()
    if (request.content_length or 0) > MAX_INBOX_BODY:
        return empty(413)
    body = await request.get_data(as_text=False)
    assert isinstance(body, bytes)
    if len(body) > MAX_INBOX_BODY:
        return empty(413)
    headers = {k.lower(): v for k, v in request.headers.items()}
    target = request.full_path.rstrip("?") if request.query_string else request.path
    try:
        act, owner = await inbox.verify(fed.service, fed.remote, g.config, request.method, target, headers, body)
    except inbox.Refused as exc:
        logger.warning("inbox refused a request from %s: %s", request.headers.get("X-Forwarded-For",
                       request.remote_addr), exc.reason)
        return Response(exc.reason, status=exc.status, mimetype="text/plain")
    if await inbox.accept(fed.service, act, fed.service.clock()):
        fed.inbound_queued()
    return empty(202)


def _page() -> int | None:
    raw = request.args.get("page", "")
    if not raw:
        return None
    return int(raw) if raw.isdigit() and int(raw) > 0 else 0


async def _collection(username: str, count: Callable[[Database], int],
                      page_items: Callable[[Database, int, int], list[Any]]) -> Any:
    """An OrderedCollection of ours: its summary without ``?page=``, else that page (from 1)."""
    if _not_ours(username):
        return empty(404)
    db, iri = federate().service.db, f"{_server_url()}{request.path}"
    total = await db.run(partial(count, db))
    page = _page()
    if page is None:
        return activity_response(activities.ordered_collection(iri, total))
    if page == 0:
        return empty(400)
    items = await db.run(partial(page_items, db, PAGE_SIZE, (page - 1) * PAGE_SIZE))
    return activity_response(activities.collection_page(iri, page, items, total, PAGE_SIZE))


def _outbox_page(db: Database, limit: int, offset: int) -> list[Any]:
    items = ap_outbox.activities(db, limit, offset)
    for item in items:
        item.pop("@context", None)  # embedded in the page, which carries the context
    return items


def _followers_page(db: Database, limit: int, offset: int) -> list[Any]:
    return [f.iri for f in ap_followers.approved(db, limit, offset)]


@bp.get("/federation/user/<username>/outbox")
async def outbox(username: str) -> Any:
    return await _collection(username, ap_outbox.activity_count, _outbox_page)


@bp.get("/federation/user/<username>/followers")
async def followers(username: str) -> Any:
    return await _collection(username, ap_followers.approved_count, _followers_page)


@bp.get("/federation/user/<username>/following")
async def following(username: str) -> Any:
    return empty(404)  # the actor follows nobody


@bp.get("/federation/<object_id>")
async def get_object(object_id: str) -> Any:
    fed = federate()
    if g.config.federation_private:
        return empty(404)
    other = _redirect_unless_activitypub()
    if other is not None:
        return other
    db, iri = fed.service.db, f"{_server_url()}{request.path}"
    found = await db.run(partial(ap_outbox.get_object, db, iri))
    if found is None:
        return empty(404)
    doc = found[0]
    if "@context" not in doc:
        doc = {"@context": CONTEXT, **doc}
    return activity_response(doc)
