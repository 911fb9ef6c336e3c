"""Two admin routes of ours that Owncast lacks, for the dashboard: which daemons run, and an S3 test.

- ``GET /api/admin/daemons``: ``[{"name", "running", "state", "restarts", "startedAt", "detail"}]``
  for every daemon this build knows and every one that ever recorded itself, so the federation and
  notification screens can say "not running, start it with ``owncast federate``" instead of failing
  (``detail``: what a running daemon reported when it bound, e.g. ingest's RTMP URL, which Home
  shows even when ``--rtmpport`` overrides the configured port).
- ``POST /api/admin/s3/test``: takes an S3 config object (the form's values, unsaved; fields left
  out come from the stored config), checks the bucket, writes and deletes a small object, and
  answers ``{"success", "message"}`` with the failure in plain words.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Final

import trio
from quart import jsonify

from owncast_cli.config.validators import ConfigValueError, s3_config
from owncast_cli.serve.admin.common import BadRequest, fail, json_object, no_store, ok

if TYPE_CHECKING:
    from quart_trio import QuartTrio

    from owncast_cli.serve.app import Services

#: A dead endpoint must not hold the admin's request for long.
S3_TEST_SECONDS: Final = 30.0


def daemon_states(records: list[Any], known: list[str]) -> list[dict[str, Any]]:
    """One entry per daemon name, known ones first in registry order; never-seen ones not running."""
    by_name = {r.name: r for r in records}
    names = known + sorted(set(by_name) - set(known))
    out = []
    for name in names:
        record = by_name.get(name)
        running = bool(record and record.alive and record.state == "running")
        out.append({
            "name": name,
            "running": running,
            "state": record.shown_state if record else "never started",
            "restarts": record.restarts if record else 0,
            "startedAt": record.started_at if record and running else None,
            "detail": record.detail if record and running else "",
        })
    return out


def s3_round_trip(config: dict[str, Any]) -> str:
    """Check the bucket, then write and delete one object. Sync (boto3). Returns what worked."""
    from owncast_cli.s3client import make_client

    client = make_client(config)
    bucket = config["bucket"]
    client.head_bucket(Bucket=bucket)
    prefix = str(config.get("pathPrefix") or "").strip("/")
    key = f"{prefix + '/' if prefix else ''}owncast-connection-test-{secrets.token_hex(4)}.txt"
    client.put_object(Bucket=bucket, Key=key, Body=b"owncast connection test\n", ContentType="text/plain")
    client.delete_object(Bucket=bucket, Key=key)
    return f"connected to bucket {bucket!r} at {config['endpoint']}: wrote and deleted a test object"


def register(app: QuartTrio, svc: Services) -> None:
    db = svc.ctx.db

    @app.get("/api/admin/daemons")
    async def admin_get_daemons() -> Any:
        from owncast_cli.daemons.records import all_records
        from owncast_cli.daemons.registry import DAEMONS

        records = await db.run(lambda: all_records(db))
        return no_store(jsonify(daemon_states(records, list(DAEMONS))))

    @app.post("/api/admin/s3/test")
    async def admin_test_s3() -> Any:
        try:
            body = await json_object('{"endpoint": "https://...", "bucket": "...", "accessKey": "..."}')
        except BadRequest as exc:
            return fail(str(exc))
        config = {**svc.live.values.s3_storage_config, **body, "enabled": True}
        try:
            config = s3_config(config)
        except ConfigValueError as exc:  # its message never repeats the secret
            return fail(f"the S3 settings must be {exc.allowed}")
        from owncast_cli.s3client import describe_error

        try:
            with trio.fail_after(S3_TEST_SECONDS):
                message = await trio.to_thread.run_sync(s3_round_trip, config, abandon_on_cancel=True)
        except trio.TooSlowError:
            return fail(f"the S3 endpoint {config['endpoint']} did not answer within {S3_TEST_SECONDS:g} s")
        except Exception as exc:
            return fail(describe_error(exc, config))
        return ok(message)
