"""The storage checks against moto's S3 server: credentials, missing bucket, public reads, cleanup."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

from owncast_cli.s3client import make_client
from tests.conftest import ROOT
from tests.doctor.conftest import config_set, doctor, finding


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """moto without credential checks: objects' ACLs still decide what anonymous readers get."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def moto_with_auth() -> Iterator[dict[str, str]]:
    """moto checking signatures against its IAM users, in a child process (see moto_auth.py)."""
    proc = subprocess.Popen([sys.executable, str(Path(__file__).with_name("moto_auth.py"))], cwd=ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = ""
        while not line.startswith("{"):  # moto prints a banner line first
            line = proc.stdout.readline()
            assert line, "moto_auth.py exited before printing its endpoint"
        yield json.loads(line)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


def s3(endpoint: str, bucket: str, **extra: Any) -> dict[str, Any]:
    return {"enabled": True, "endpoint": endpoint, "accessKey": "test", "secret": "test", "bucket": bucket,
            "region": "us-east-1", "forcePathStyle": True, **extra}


def bucket_keys(config: dict[str, Any]) -> list[str]:
    listed = make_client(config).list_objects_v2(Bucket=config["bucket"])
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_public_bucket_passes_and_the_test_object_is_gone(prepared: Path, moto_endpoint: str) -> None:
    config = s3(moto_endpoint, "public", pathPrefix="live")
    make_client(config).create_bucket(Bucket="public")
    config_set(prepared, "s3_storage_config", json.dumps(config))
    code, report = doctor(prepared, "storage")
    assert code == 0, report
    assert "put, get and delete of a test object" in finding(report, "storage.s3")["seen"]
    serving = finding(report, "storage.serving")
    assert serving["status"] == "passed"
    assert f"{moto_endpoint}/public/live/hls/doctor-" in serving["seen"]
    assert bucket_keys(config) == []
    assert finding(report, "storage.disk_hls")["status"] == "passed"
    assert finding(report, "storage.disk_backup")["status"] == "passed"


def test_a_bucket_without_public_reads_fails_with_the_fix(prepared: Path, moto_endpoint: str) -> None:
    config = s3(moto_endpoint, "private", acl="private")
    make_client(config).create_bucket(Bucket="private")
    config_set(prepared, "s3_storage_config", json.dumps(config))
    code, report = doctor(prepared, "storage")
    assert code == 1
    assert finding(report, "storage.s3")["status"] == "passed"
    serving = finding(report, "storage.serving")
    assert serving["status"] == "failed"
    assert "the bucket's public URL answered 403" in serving["seen"] and "viewers could not load" in serving["seen"]
    assert "keep s3_storage_config.acl at public-read" in serving["fix"]
    assert bucket_keys(config) == []


def test_a_missing_bucket(prepared: Path, moto_endpoint: str) -> None:
    config_set(prepared, "s3_storage_config", json.dumps(s3(moto_endpoint, "nowhere")))
    code, report = doctor(prepared, "storage")
    assert code == 1
    found = finding(report, "storage.s3")
    assert found["status"] == "failed" and "bucket 'nowhere' does not exist" in found["seen"]
    assert "Fix s3_storage_config" in found["fix"]
    assert "storage.serving" not in [c["check"] for c in report["checks"]]


def test_working_and_broken_credentials(prepared: Path, moto_with_auth: dict[str, str]) -> None:
    moto = moto_with_auth
    good = s3(moto["endpoint"], moto["bucket"], accessKey=moto["accessKey"], secret=moto["secret"])
    config_set(prepared, "s3_storage_config", json.dumps(good))
    _, report = doctor(prepared, "storage")
    # (moto answers anonymous reads with 500 while it checks signatures: only the signed part counts here.)
    assert finding(report, "storage.s3")["status"] == "passed"
    config_set(prepared, "s3_storage_config", json.dumps({**good, "secret": "not-the-secret"}))
    code, report = doctor(prepared, "storage")
    assert code == 1
    found = finding(report, "storage.s3")
    assert found["status"] == "failed"
    assert "refused the credentials for bucket 'owncast' (SignatureDoesNotMatch)" in found["seen"]
    assert "accessKey, secret" in found["fix"]
    config_set(prepared, "s3_storage_config", json.dumps({**good, "accessKey": "AKIANOSUCHKEY"}))
    found = finding(doctor(prepared, "storage")[1], "storage.s3")
    assert found["status"] == "failed" and "refused the credentials" in found["seen"]


def test_s3_off_is_skipped(prepared: Path) -> None:
    code, report = doctor(prepared, "storage")
    assert code == 0
    assert finding(report, "storage.s3")["status"] == "skipped"
