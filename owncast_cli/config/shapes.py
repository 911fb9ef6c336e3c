"""The JSON shapes of structured config values, as TypedDicts (the stored JSON is unchanged)."""

from __future__ import annotations

from typing import TypedDict


class StreamKey(TypedDict):
    """One stream key a broadcaster may publish with (Owncast's ``stream_keys`` entries)."""

    key: str
    comment: str


class S3Config(TypedDict, total=False):
    """Owncast's ``s3_storage_config``; only ``enabled`` is always present."""

    enabled: bool
    endpoint: str
    accessKey: str  # noqa: N815  (Owncast's JSON names)
    secret: str
    bucket: str
    region: str
    acl: str
    pathPrefix: str  # noqa: N815
    forcePathStyle: bool  # noqa: N815
    servingEndpoint: str  # noqa: N815
