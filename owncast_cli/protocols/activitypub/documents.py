"""Discovery documents: webfinger (RFC 7033), host-meta (RFC 6415), NodeInfo 2.0, x-nodeinfo2,
Mastodon's ``/api/v1/instance``; in Owncast's shapes and field order."""

from __future__ import annotations

from html import escape
from typing import Any, Final
from urllib.parse import urlsplit

NODEINFO_REL: Final = "http://nodeinfo.diaspora.software/ns/schema/2.0"
PROFILE_PAGE_REL: Final = "http://webfinger.net/rel/profile-page"


def host_of(server_url: str) -> str:
    """The host (with port when not default) of ``server_url``, as webfinger accounts name it."""
    return urlsplit(server_url).netloc.lower()


def actor_iri(server_url: str, username: str) -> str:
    return f"{server_url.rstrip('/')}/federation/user/{username}"


def webfinger_status(resource: str, username: str, server_url: str) -> int:
    """Owncast's answer to ``?resource=``: 200, 400 (malformed), 404 (no such user), 501 (other host)."""
    before, found, account = resource.partition("acct:")
    if not found or before:
        return 400
    parts = account.split("@")
    if len(parts) != 2:
        return 400
    user, host = parts
    if user != username:
        return 404
    if host.lower() != host_of(server_url):
        return 501
    return 200


def webfinger(username: str, server_url: str) -> dict[str, Any]:
    iri = actor_iri(server_url, username)
    return {
        "aliases": [iri],
        "subject": f"acct:{username}@{host_of(server_url)}",
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": iri},
            {"rel": PROFILE_PAGE_REL, "type": "text/html", "href": iri},
        ],
    }


def host_meta(server_url: str) -> str:
    template = escape(server_url.rstrip("/"), quote=True) + "/.well-known/webfinger?resource={uri}"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
            f'\t<Link rel="lrdd" type="application/json" template="{template}"/>\n'
            '</XRD>')


def nodeinfo_links(server_url: str) -> dict[str, Any]:
    return {"links": [{"rel": NODEINFO_REL, "href": f"{server_url.rstrip('/')}/nodeinfo/2.0"}]}


def nodeinfo(version: str, local_posts: int, chat_enabled: bool) -> dict[str, Any]:
    """NodeInfo 2.0 (http://nodeinfo.diaspora.software/ns/schema/2.0): the schema requires
    ``services`` and ``metadata`` and a lower-case software name, which Owncast's omits."""
    return {
        "version": "2.0",
        "software": {"name": "owncast", "version": version},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "usage": {"users": {"total": 1, "activeMonth": 1, "activeHalfyear": 1}, "localPosts": local_posts},
        "openRegistrations": False,
        "metadata": {"chat_enabled": chat_enabled},
    }


def x_nodeinfo2(server_url: str, server_name: str, version: str, local_posts: int) -> dict[str, Any]:
    return {
        "organization": {"name": server_name, "contact": server_url},
        "server": {"baseUrl": server_url, "version": version, "name": "owncast", "software": "owncast"},
        "services": {"outbound": ["activitypub"], "inbound": ["activitypub"]},
        "protocols": ["activitypub"],
        "version": version,
        "openRegistrations": False,
        "usage": {"users": {"activeWeek": 1, "total": 1, "activeMonth": 1, "activeHalfyear": 1},
                  "localPosts": local_posts, "localComments": 0},
    }


def instance(server_url: str, title: str, summary: str, version: str, local_posts: int) -> dict[str, Any]:
    """Mastodon's v1 instance document as Owncast fills it."""
    return {
        "uri": server_url,
        "title": title,
        "short_description": summary,
        "description": summary,
        "version": version,
        "stats": {"user_count": 1, "status_count": local_posts, "domain_count": 0},
        "thumbnail": f"{server_url.rstrip('/')}/logo/external",
        "languages": None,
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
    }
