"""S3-compatible storage clients shared by transcode (uploads) and the doctor (a test object)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

#: The ACL uploads carry unless ``s3_storage_config.acl`` names another (Owncast's default).
DEFAULT_ACL: Final = "public-read"


def object_prefix(path_prefix: str) -> str:
    """``[pathPrefix/]hls/``: where the HLS tree lives in the bucket."""
    prefix = path_prefix.strip("/")
    return f"{prefix}/hls/" if prefix else "hls/"


def serving_base_url(config: Mapping[str, Any], video_serving_endpoint: str = "") -> str:
    """Where viewers fetch the bucket's HLS tree (Owncast: the serving endpoint, else endpoint/bucket)."""
    base = video_serving_endpoint or str(config.get("servingEndpoint") or "")
    if not base:
        base = f"{str(config['endpoint']).rstrip('/')}/{config['bucket']}"
    return f"{base.rstrip('/')}/{object_prefix(str(config.get('pathPrefix') or ''))}"


def describe_error(exc: BaseException, config: Mapping[str, Any]) -> str:
    """One sentence an operator can act on, for the usual ways S3 fails."""
    from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

    endpoint, bucket = config.get("endpoint"), config.get("bucket")
    if isinstance(exc, EndpointConnectionError) or isinstance(exc, (ConnectionError, TimeoutError)):
        return f"cannot reach the S3 endpoint {endpoint}: check s3_storage_config.endpoint and the network ({exc})"
    if isinstance(exc, NoCredentialsError):
        return "no S3 credentials: set s3_storage_config.accessKey and .secret"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in {"InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "403"} or status == 403:
            return (f"the S3 endpoint {endpoint} refused the credentials for bucket {bucket!r} ({code}): "
                    "check s3_storage_config.accessKey, .secret and the bucket policy")
        if code in {"NoSuchBucket", "404"} or status == 404:
            return f"bucket {bucket!r} does not exist at {endpoint}: create it or fix s3_storage_config.bucket"
        return f"S3 request to {endpoint} failed: {code or status}: {error.get('Message', '')}".rstrip(": ")
    from botocore.exceptions import BotoCoreError

    if isinstance(exc, BotoCoreError):
        return f"cannot use the S3 endpoint {endpoint}: {exc}"
    return f"S3 upload failed: {type(exc).__name__}: {exc}"


def make_client(config: Mapping[str, Any], *, connect_timeout: float = 5.0, read_timeout: float = 10.0) -> Any:
    """A boto3 client for an S3-compatible endpoint; shared by every upload (clients are thread-safe)."""
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=config["endpoint"],
        aws_access_key_id=config["accessKey"],
        aws_secret_access_key=config["secret"],
        region_name=config.get("region") or "us-east-1",
        config=Config(
            s3={"addressing_style": "path" if config.get("forcePathStyle") else "auto"},
            # We retry ourselves (with our backoff, and so a dead endpoint fails fast).
            retries={"max_attempts": 1, "mode": "standard"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # boto3 >= 1.36 adds CRC32 checksum headers that MinIO, B2, Ceph... reject.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
