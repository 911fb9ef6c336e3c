"""Our one actor (a ``Service``, as Owncast's ``MakeServiceForAccount`` builds it) and its parts."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Final

from owncast_cli.protocols.activitypub.documents import actor_iri

AS_PUBLIC: Final = "https://www.w3.org/ns/activitystreams#Public"
#: The contexts Mastodon expects beside ActivityStreams: keys, and the extension terms we use.
CONTEXT: Final[list[Any]] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]
TAG_DIRECTORY: Final = "https://owncast.directory/tags/"


@dataclass(frozen=True)
class Profile:
    """What the actor document says, from the config (and the stored key)."""

    server_url: str
    username: str
    name: str
    summary: str
    logo_uniqueness: str
    tags: tuple[str, ...]
    social_handles: tuple[tuple[str, str], ...]  # (platform, url)
    private: bool
    published: str  # RFC 3339, the server's first start
    public_key_pem: str

    @property
    def iri(self) -> str:
        return actor_iri(self.server_url, self.username)

    @property
    def key_id(self) -> str:
        return self.iri + "#main-key"

    @property
    def followers(self) -> str:
        return self.iri + "/followers"


def hashtag(tag: str) -> dict[str, str]:
    name = tag.lstrip("#")
    return {"type": "Hashtag", "href": TAG_DIRECTORY + name, "name": "#" + name}


def _link(name: str, url: str) -> dict[str, str]:
    href = escape(url, quote=True)
    return {"type": "PropertyValue", "name": name,
            "value": f'<a href="{href}" rel="me nofollow noopener noreferrer" target="_blank">{href}</a>'}


def actor(p: Profile) -> dict[str, Any]:
    """The actor document, with its ``@context``."""
    logo = f"{p.server_url.rstrip('/')}/logo/external?uc={p.logo_uniqueness}"
    attachment = [_link("Stream", p.server_url)] + [_link(platform, url) for platform, url in p.social_handles]
    return {
        "@context": CONTEXT,
        "id": p.iri,
        "type": "Service",
        "preferredUsername": p.username,
        "name": p.name,
        "summary": p.summary,
        "url": p.iri,
        "inbox": p.iri + "/inbox",
        "outbox": p.iri + "/outbox",
        "followers": p.followers,
        "manuallyApprovesFollowers": p.private,
        "discoverable": True,
        "published": p.published,
        "icon": {"type": "Image", "url": logo},
        "image": {"type": "Image", "url": logo},
        "tag": [hashtag(t) for t in p.tags],
        "attachment": attachment,
        "publicKey": {"id": p.key_id, "owner": p.iri, "publicKeyPem": p.public_key_pem},
    }
