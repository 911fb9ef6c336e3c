"""The activities and collections we send or serve: Accept, Create(Note), Update, collections."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from owncast_cli.protocols.activitypub.actor import AS_PUBLIC, CONTEXT, Profile, actor, hashtag


def accept(p: Profile, activity_iri: str, follow: dict[str, Any]) -> dict[str, Any]:
    """``Accept`` of a follow request (the Follow embedded, as Mastodon sends it back)."""
    embedded = {k: follow[k] for k in ("id", "type", "actor", "object") if k in follow}
    return {"@context": CONTEXT, "id": activity_iri, "type": "Accept", "actor": p.iri,
            "object": embedded or follow.get("id")}


def note(p: Profile, note_iri: str, content: str, published: str, *, tags: Sequence[str] = (),
         image: str | None = None, sensitive: bool = False, to: list[str] | None = None,
         cc: list[str] | None = None, mentions: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """A ``Note``: public (to Public, cc followers), to followers only when private, or ``to`` given."""
    if to is None:
        to, cc = ([p.followers], []) if p.private else ([AS_PUBLIC], [p.followers])
    obj: dict[str, Any] = {
        "id": note_iri, "type": "Note", "attributedTo": p.iri, "content": content,
        "published": published, "url": note_iri, "to": to, "cc": cc or [],
        "tag": [hashtag(t) for t in tags] + list(mentions), "sensitive": sensitive,
    }
    if image:
        obj["attachment"] = [{"type": "Document", "mediaType": _media_type(image), "url": image,
                              "name": "Stream preview"}]
    return obj


def create(p: Profile, activity_iri: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, "id": activity_iri, "type": "Create", "actor": p.iri,
            "published": obj.get("published"), "to": obj["to"], "cc": obj["cc"], "object": obj}


def update_actor(p: Profile, activity_iri: str) -> dict[str, Any]:
    """``Update`` of our profile, to followers (and public) so cached copies refresh."""
    body = actor(p)
    body.pop("@context")
    return {"@context": CONTEXT, "id": activity_iri, "type": "Update", "actor": p.iri,
            "to": [AS_PUBLIC], "cc": [p.followers], "object": body}


def ordered_collection(iri: str, total: int) -> dict[str, Any]:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": iri, "type": "OrderedCollection",
            "totalItems": total, "first": iri + "?page=1"}


def collection_page(iri: str, page: int, items: list[Any], total: int, page_size: int) -> dict[str, Any]:
    doc: dict[str, Any] = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{iri}?page={page}",
                           "type": "OrderedCollectionPage", "orderedItems": items, "partOf": iri,
                           "totalItems": total}
    if page * page_size < total:
        doc["next"] = f"{iri}?page={page + 1}"
    return doc


def _media_type(url: str) -> str:
    path = url.split("?")[0].lower()
    if path.endswith(".gif"):
        return "image/gif"
    if path.endswith(".png"):
        return "image/png"
    return "image/jpeg"
