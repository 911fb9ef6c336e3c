"""Inbox POSTs: verify the signature and who sent it, then queue the activity durably (202).

Checks, in order (each refusal is logged with its reason):
1. the body is an activity with an actor; the ``Signature`` header parses; its keyId is https;
2. the signature covers (request-target), host, date and digest; the Digest matches the body;
   Date is within :data:`REPLAY_WINDOW` of now;
3. neither the key's host nor the actor's host is a blocked domain (Owncast's substring rule);
4. the key owner, fetched (signed GET, cached), verifies the signature; on failure the key is
   fetched once more (it may have rotated) and verified again;
5. the key owner's origin is the actor's origin; the actor is not a blocked follower.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Final

from owncast_cli.protocols.activitypub import httpsig
from owncast_cli.protocols.activitypub.parse import Activity, ActivityError, RemoteActor, activity, host, origin
from owncast_cli.repos import ap_followers, ap_queues

if TYPE_CHECKING:
    from owncast_cli.config import ConfigValues
    from owncast_cli.federate.remote import RemoteActors
    from owncast_cli.federate.service import FederateService

logger = logging.getLogger("owncast.federate.inbox")

#: How far the signed Date may be from our clock, seconds: enough for clock skew and a queued
#: retry (Mastodon re-signs each attempt), short enough that a captured request soon expires.
REPLAY_WINDOW: Final = 3600.0


@dataclass(frozen=True)
class Refused(Exception):
    """An inbox POST we will not queue: answer ``status`` with ``reason``."""

    status: int
    reason: str

    def __str__(self) -> str:
        return self.reason


def blocked_domain(url: str, blocked: list[str]) -> str | None:
    """The blocked domain ``url``'s host contains, if any (Owncast matches substrings)."""
    name = host(url)
    return next((d for d in blocked if d and d in name), None)


async def verify(service: FederateService, remote: RemoteActors, c: ConfigValues, method: str, target: str,
                 headers: Mapping[str, str], body: bytes) -> tuple[Activity, RemoteActor]:
    """Check an inbox POST; returns the activity and the key owner, or raises :class:`Refused`."""
    try:
        act = activity(json.loads(body))
    except (ValueError, ActivityError) as exc:
        raise Refused(400, f"not an activity: {exc}") from None
    if "signature" not in headers:
        raise Refused(401, "the request is not signed")
    try:
        sig = httpsig.parse_signature(headers["signature"])
        if service.url_refusal(sig.key_id):
            raise httpsig.SignatureError(f"the keyId {sig.key_id} is not an https URL")
        httpsig.check_request(sig, method, target, headers, body, service.clock(), REPLAY_WINDOW)
    except httpsig.SignatureError as exc:
        raise Refused(401, str(exc)) from None
    for url in (sig.key_id, act.actor):
        domain = blocked_domain(url, c.federation_blocked_domains)
        if domain:
            raise Refused(403, f"{host(url)} is a blocked domain ({domain})")
    owner = await _verified_owner(remote, sig, method, target, headers)
    if origin(owner.id) != origin(act.actor):
        raise Refused(401, f"the key of {owner.id} cannot sign for {act.actor} (another origin)")
    if await service.db.run(partial(ap_followers.is_blocked, service.db, act.actor)):
        raise Refused(403, f"{act.actor} is blocked")
    return act, owner


async def _verified_owner(remote: RemoteActors, sig: httpsig.Signature, method: str, target: str,
                          headers: Mapping[str, str]) -> RemoteActor:
    from owncast_cli.federate.remote import RemoteError

    failure = ""
    for fresh in (False, True):
        try:
            owner = await remote.key_owner(sig.key_id, fresh=fresh)
            assert owner.public_key_pem is not None
            httpsig.verify(sig, method, target, headers, httpsig.load_public_key(owner.public_key_pem))
            return owner
        except (RemoteError, httpsig.SignatureError) as exc:
            failure = str(exc)
    raise Refused(401, failure)


def activity_key(act: Activity) -> str:
    """What makes a delivery idempotent: the activity id, or the body's hash when it has none."""
    if act.id:
        return act.id
    return "sha256:" + hashlib.sha256(json.dumps(act.raw, sort_keys=True).encode()).hexdigest()


async def accept(service: FederateService, act: Activity, now: float) -> bool:
    """Queue a verified activity; False when the same activity id was queued before."""
    db = service.db
    return await db.run_write(partial(ap_queues.enqueue_inbound, db, activity_key(act), act.raw, now))
