"""Tolerant reading of incoming ActivityStreams JSON, without a JSON-LD expansion.

Servers send compacted documents in several legal shapes: a property may be one value or an
array, an object embedded or referenced by its IRI, a type a string or an array of strings, and
Mastodon-style ``as:`` prefixes on some terms. These helpers accept all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class ActivityError(ValueError):
    """A document that is not an activity we can read; the text says what is wrong."""


def values(value: Any) -> list[Any]:
    """A property as a list: absent is [], a single value is [value]."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def iri(value: Any) -> str | None:
    """The IRI of a property: a string, or the ``id`` (or ``href``) of an embedded object;
    the first of an array."""
    for item in values(value):
        if isinstance(item, str):
            return item
        if isinstance(item, dict):
            found = item.get("id") or item.get("@id") or item.get("href")
            if isinstance(found, str):
                return found
    return None


def types(doc: Any) -> list[str]:
    """The types of a document, prefixes dropped (``as:Follow`` is ``Follow``)."""
    if not isinstance(doc, dict):
        return []
    raw = doc.get("type", doc.get("@type"))
    return [t.rsplit(":", 1)[-1].rsplit("#", 1)[-1] for t in values(raw) if isinstance(t, str)]


def origin(url: str) -> str:
    """scheme://host[:port] of an IRI, lower case ("" when it has none)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class Activity:
    """The parts of an inbound activity the handlers use."""

    id: str
    type: str
    actor: str
    object_iri: str | None
    object: dict[str, Any] | None  # the embedded object, when it was embedded
    raw: dict[str, Any]

    @property
    def object_type(self) -> str | None:
        found = types(self.object)
        return found[0] if found else None


def activity(doc: Any) -> Activity:
    """Read an activity; raises :class:`ActivityError` when it has no type or no actor."""
    if not isinstance(doc, dict):
        raise ActivityError("the body is not a JSON object")
    kinds = types(doc)
    actor = iri(doc.get("actor"))
    if not kinds:
        raise ActivityError("the activity has no type")
    if not actor or not origin(actor):
        raise ActivityError("the activity has no absolute actor IRI")
    obj = next((o for o in values(doc.get("object")) if isinstance(o, dict)), None)
    ident = doc.get("id")
    return Activity(ident if isinstance(ident, str) else "", kinds[0], actor, iri(doc.get("object")), obj, doc)


@dataclass(frozen=True)
class RemoteActor:
    """A remote actor (Person, Service, Application, Group...) as we keep it."""

    id: str
    inbox: str
    shared_inbox: str | None
    name: str
    username: str  # user@host
    image: str | None
    url: str
    key_id: str | None
    public_key_pem: str | None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def remote_actor(doc: Any) -> RemoteActor:
    """Read an actor document; raises :class:`ActivityError` without an id or an inbox."""
    if not isinstance(doc, dict):
        raise ActivityError("the actor document is not a JSON object")
    ident, inbox = iri(doc.get("id")), iri(doc.get("inbox"))
    if not ident or not inbox:
        raise ActivityError("the actor document has no id or no inbox")
    endpoints = doc.get("endpoints")
    shared = iri(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    key = next((k for k in values(doc.get("publicKey")) if isinstance(k, dict)), None)
    preferred = _text(doc.get("preferredUsername"))
    name = _text(doc.get("name"))
    url = iri(doc.get("url")) or ident
    return RemoteActor(
        id=ident, inbox=inbox, shared_inbox=shared, name=name or preferred,
        username=f"{preferred or ident.rstrip('/').rsplit('/', 1)[-1]}@{host(ident)}",
        image=iri(doc.get("icon")) if not isinstance(doc.get("icon"), dict) else
        iri(doc["icon"].get("url")), url=url,
        key_id=iri(key.get("id")) if key else None,
        public_key_pem=key.get("publicKeyPem") if key and isinstance(key.get("publicKeyPem"), str) else None,
    )
