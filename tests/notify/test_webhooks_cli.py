"""``owncast webhooks``: add, list, failures, replay, resume and test, against real receivers."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import trio

from owncast_cli.db import open_database
from owncast_cli.repos import deliveries, webhooks
from tests.conftest import OWNCAST, ROOT
from tests.notify.conftest import receiver
from tests.notify.receiver import check_signature


async def run(datadir: Path, *args: str) -> tuple[int, str, str]:
    with trio.fail_after(30):
        done = await trio.run_process([*OWNCAST, *args], cwd=ROOT, check=False, capture_stdout=True,
                                      capture_stderr=True, env={**os.environ, "OWNCAST_DATADIR": str(datadir)})
    return done.returncode, done.stdout.decode(), done.stderr.decode()


async def test_test_sends_a_signed_ping_through_the_guard(migrated: Path) -> None:
    async with receiver() as got:
        code, out, err = await run(migrated, "webhooks", "test", got.url + "/t", "--secret", "abc")
        assert code == 1 and "refused to connect to 127.0.0.1" in out + err and not got.requests
        assert (await run(migrated, "config", "set", "outbound_allowed_hosts", '["127.0.0.1"]'))[0] == 0
        code, out, err = await run(migrated, "webhooks", "test", got.url + "/t", "--secret", "abc")
    assert code == 0, err
    assert out.startswith(f"{got.url}/t: 200 in ")
    (request,) = got.requests
    body = request.json()
    assert body["type"] == "PING" and set(body["eventData"]) == {"status", "id", "timestamp"}
    assert check_signature("abc", request.body, request.headers["owncast-signature"], now=time.time())


async def test_add_list_failures_replay_resume(migrated: Path) -> None:
    code, out, err = await run(migrated, "webhooks", "add", "https://hooks.example/x", "--event", "CHAT",
                               "--event", "STREAM_STARTED")
    assert code == 0, err
    hook_id, secret = out.split()
    assert len(secret) == 64
    assert (await run(migrated, "webhooks", "add", "ftp://x", "--event", "CHAT"))[0] == 2

    db = open_database(migrated / "owncast.db")
    try:
        def fail_one() -> int:
            deliveries.enqueue(db, [(int(hook_id), 7, "CHAT", "{}")], 100.0)
            (row,) = deliveries.next_pending(db, int(hook_id))
            deliveries.mark_failed(db, row, "503", 200.0)
            webhooks.pause(db, int(hook_id), "failing since then: 503", 200.0)
            return row.id

        delivery_id = db.write(fail_one)
    finally:
        db.close()

    listed = json.loads((await run(migrated, "webhooks", "list", "--json"))[1])
    assert listed == [{"id": int(hook_id), "url": "https://hooks.example/x", "events": ["CHAT", "STREAM_STARTED"],
                       "secret": "****" + secret[-4:], "lastUsed": None, "lastStatus": None, "pending": 0,
                       "pausedReason": "failing since then: 503"}]
    failed = json.loads((await run(migrated, "webhooks", "failures", "--json"))[1])
    assert [(f["id"], f["webhookId"], f["type"], f["lastStatus"]) for f in failed] == [
        (delivery_id, int(hook_id), "CHAT", "503")]
    assert (await run(migrated, "webhooks", "replay", "999"))[0] == 1
    code, _, err = await run(migrated, "webhooks", "replay", str(delivery_id))
    assert code == 0 and "queued again" in err
    listed = json.loads((await run(migrated, "webhooks", "list", "--json"))[1])
    assert (listed[0]["pending"], listed[0]["pausedReason"]) == (1, None)
    assert json.loads((await run(migrated, "webhooks", "failures", "--json"))[1]) == []
    assert (await run(migrated, "webhooks", "resume", "999"))[0] == 1
