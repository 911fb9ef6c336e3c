"""Storage: S3 put/get/delete with the configured credentials, the serving URL serves it; disk space.

Viewers fetch segments from the serving URL without credentials, so a bucket whose objects are not
publicly readable (or a CDN that cannot read them) plays nothing although every upload succeeds
(Owncast #1455, #3230).
"""

from __future__ import annotations

import secrets
from typing import Any, Final

import httpx
import trio

from owncast_cli.doctor import disk
from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, failed, passed, skipped
from owncast_cli.doctor.netprobe import http_client
from owncast_cli.s3client import DEFAULT_ACL, describe_error, make_client, object_prefix, serving_base_url

BODY: Final = b"owncast doctor test object\n"
PUBLIC_FIX: Final = ("Let anonymous readers get the objects: keep s3_storage_config.acl at public-read (or a "
                     "bucket policy allowing s3:GetObject to everyone), or set servingEndpoint to a CDN that can "
                     "read the bucket.")


def _round_trip(config: dict[str, Any], key: str) -> None:
    """Put, get and check the test object (blocking: boto3)."""
    client = make_client(config, connect_timeout=3, read_timeout=5)
    bucket = str(config["bucket"])
    client.put_object(Bucket=bucket, Key=key, Body=BODY, ContentType="text/plain",
                      ACL=str(config.get("acl") or DEFAULT_ACL))
    got = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    if got != BODY:
        raise ValueError(f"the object read back differs from the one written ({len(got)} bytes)")


async def _deleted(config: dict[str, Any], key: str, where: str) -> Finding:
    def delete() -> None:
        make_client(config, connect_timeout=3, read_timeout=5).delete_object(Bucket=str(config["bucket"]), Key=key)

    try:
        await trio.to_thread.run_sync(delete, abandon_on_cancel=True)
    except Exception as exc:  # botocore's errors
        return failed("storage.s3", f"put and get work in {where} but delete failed: {describe_error(exc, config)}",
                      "Allow s3:DeleteObject: without it old segments are never removed and the bucket grows.")
    return passed("storage.s3", f"put, get and delete of a test object in {where} work")


async def _serving(config: dict[str, Any], endpoint: str, name: str) -> Finding:
    check = "storage.serving"
    url = serving_base_url(config, endpoint) + name
    what = "the serving endpoint" if endpoint or config.get("servingEndpoint") else "the bucket's public URL"
    try:
        async with http_client() as client:
            response = await client.get(url)
    except (httpx.HTTPError, OSError) as exc:
        return failed(check, f"{what} {url} cannot be reached: {type(exc).__name__}: {exc}",
                      "Fix servingEndpoint (or video_serving_endpoint): viewers fetch the video there.")
    if response.status_code != 200 or response.content != BODY:
        return failed(check, f"{what} answered {response.status_code} for the test object at {url}: "
                             "viewers could not load the video", PUBLIC_FIX)
    return passed(check, f"{what} serves the test object to anyone ({url})")


async def _s3(probe: Probe) -> list[Finding]:
    assert probe.config is not None
    config: dict[str, Any] = dict(probe.config.s3_storage_config)
    if not config.get("enabled"):
        return [skipped("storage.s3", "S3 storage is off: HLS is served from local disk")]
    name = f"doctor-{secrets.token_hex(8)}.txt"
    key = object_prefix(str(config.get("pathPrefix") or "")) + name
    where = f"bucket {config.get('bucket')!r} at {config.get('endpoint')}"
    deleted = failed("storage.s3", f"deleting the test object {key} in {where} did not finish in 5 s",
                     "Check the endpoint's latency; remove the object by hand.")
    try:
        await trio.to_thread.run_sync(_round_trip, config, key, abandon_on_cancel=True)
    except Exception as exc:  # botocore's many errors, described as the transcoder describes them
        return [failed("storage.s3", f"put/get of a test object in {where} failed: {describe_error(exc, config)}",
                       "Fix s3_storage_config (endpoint, bucket, region, accessKey, secret, forcePathStyle) "
                       "or the key's permissions (s3:PutObject, s3:GetObject, s3:DeleteObject).")]
    try:
        serving = await _serving(config, probe.config.video_serving_endpoint, name)
    finally:
        # Remove the test object even when the family's time runs out meanwhile.
        with trio.CancelScope(shield=True), trio.move_on_after(5):
            deleted = await _deleted(config, key, where)
    return [deleted, serving]


async def run(probe: Probe) -> list[Finding]:
    return [*await _s3(probe), *await trio.to_thread.run_sync(disk.check, probe.settings)]
