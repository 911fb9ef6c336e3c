"""Remote actors and their keys: fetched with a signed GET (authorized-fetch servers need it),
with a timeout, cached for an hour, fetched again on demand (a key may have rotated)."""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Final

import httpx
import trio

from owncast_cli.outbound.guard import OutboundRefused
from owncast_cli.protocols.activitypub.parse import ActivityError, RemoteActor, iri, remote_actor

if TYPE_CHECKING:
    from owncast_cli.federate.service import FederateService

logger = logging.getLogger("owncast.federate")

ACCEPT: Final = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
CACHE_SECONDS: Final = 3600.0
CACHE_SIZE: Final = 10_000
#: An actor document is small; a bigger answer is refused rather than read into memory.
MAX_DOCUMENT: Final = 1 << 20


class RemoteError(Exception):
    """A remote document could not be fetched or read; the text says why."""


class RemoteActors:
    """The actor cache: by actor IRI, and by key id to the actor that owns it."""

    def __init__(self, service: FederateService) -> None:
        self.service = service
        self._actors: OrderedDict[str, tuple[float, RemoteActor]] = OrderedDict()

    async def fetch_json(self, url: str) -> dict[str, Any]:
        """GET an ActivityPub document, signed by our actor; raises :class:`RemoteError`."""
        refusal = self.service.url_refusal(url)
        if refusal:
            raise RemoteError(refusal)
        c = await self.service.config()
        headers = self.service.signed("GET", url, self.service.profile(c).key_id, None)
        headers["accept"] = ACCEPT
        try:
            async with self.service.http.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise RemoteError(f"GET {url} answered {response.status_code}")
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT:
                        raise RemoteError(f"GET {url}: the document is over {MAX_DOCUMENT} bytes")
        except (httpx.HTTPError, OutboundRefused, trio.TooSlowError) as exc:
            raise RemoteError(f"GET {url} failed: {exc}") from None
        try:
            doc = json.loads(body)
        except ValueError:
            raise RemoteError(f"GET {url}: not JSON") from None
        if not isinstance(doc, dict):
            raise RemoteError(f"GET {url}: not a JSON object")
        return doc

    async def actor(self, actor_iri: str, *, fresh: bool = False) -> RemoteActor:
        """The actor at ``actor_iri``, from the cache unless ``fresh`` or expired."""
        now = self.service.clock()
        cached = self._actors.get(actor_iri)
        if cached and not fresh and now - cached[0] < CACHE_SECONDS:
            self._actors.move_to_end(actor_iri)
            return cached[1]
        doc = await self.fetch_json(actor_iri)
        try:
            found = remote_actor(doc)
        except ActivityError as exc:
            raise RemoteError(f"{actor_iri}: {exc}") from None
        if found.id.split("#")[0] != actor_iri.split("#")[0]:
            raise RemoteError(f"{actor_iri} answered with another actor ({found.id})")
        self.remember(found, now)
        return found

    def remember(self, found: RemoteActor, now: float) -> None:
        self._actors[found.id] = (now, found)
        self._actors.move_to_end(found.id)
        while len(self._actors) > CACHE_SIZE:
            self._actors.popitem(last=False)

    async def key_owner(self, key_id: str, *, fresh: bool = False) -> RemoteActor:
        """The actor owning ``key_id`` (Mastodon's ``<actor>#main-key``, or a separate Key document
        naming its ``owner``), with the key's PEM."""
        base = key_id.split("#")[0]
        if not fresh:
            for _, (stamp, known) in list(self._actors.items()):
                if known.key_id == key_id and self.service.clock() - stamp < CACHE_SECONDS:
                    return known
        doc = await self.fetch_json(base)
        if "inbox" not in doc and isinstance(doc.get("publicKeyPem"), str):
            owner_iri = iri(doc.get("owner"))
            if not owner_iri:
                raise RemoteError(f"the key {key_id} names no owner")
            owner = await self.actor(owner_iri, fresh=True)
        else:
            try:
                owner = remote_actor(doc)
            except ActivityError as exc:
                raise RemoteError(f"{key_id}: {exc}") from None
            if owner.id.split("#")[0] != base:
                raise RemoteError(f"{base} answered with another actor ({owner.id})")
            self.remember(owner, self.service.clock())
        if owner.key_id != key_id or not owner.public_key_pem:
            raise RemoteError(f"the actor {owner.id} does not hold the key {key_id}")
        return owner

    async def webfinger(self, account: str) -> str:
        """The actor IRI of ``user@host`` (RFC 7033 over https); raises :class:`RemoteError`."""
        user, _, domain = account.lstrip("@").partition("@")
        if not user or not domain or "/" in domain:
            raise RemoteError(f"{account!r} is not a user@host account")
        scheme = "http" if self.service.url_refusal(f"http://{domain}/") is None else "https"  # loopback tests
        doc = await self.fetch_json(f"{scheme}://{domain}/.well-known/webfinger?resource=acct:{user}@{domain}")
        for link in doc.get("links") or []:
            if isinstance(link, dict) and link.get("rel") == "self" and isinstance(link.get("href"), str):
                return str(link["href"])
        raise RemoteError(f"the webfinger answer for {account} names no actor")
