"""The directory: pinged at once when the stream starts (never while offline), the key it returns
kept and sent back; the empty key `/api/admin/yp/reset` leaves is sent on the next ping."""

from __future__ import annotations

import json
from pathlib import Path

import trio

from owncast_cli import state
from owncast_cli.bus.catalog import StreamStarted
from owncast_cli.config import ConfigStore
from owncast_cli.db import Database
from tests.notify.conftest import receiver, running_notify, set_config, until
from tests.notify.receiver import Received


def started(stream_id: str) -> StreamStarted:
    return StreamStarted(stream_id=stream_id, has_video=True, has_audio=True, remote_addr="127.0.0.1",
                         time="2026-12-08T01:00:00Z", stream_details={})


async def test_pings_while_live_and_keeps_the_returned_key(notify_db: Database, datadir: Path) -> None:
    def answer(request: Received) -> tuple[int, bytes]:
        if request.path != "/api/ping":
            return 404, b"{}"
        return 200, json.dumps({"key": "issued-key", "success": True, "error": "", "errorCode": 0}).encode()

    store = ConfigStore(notify_db)
    async with receiver(answer) as directory:
        set_config(notify_db, directory_enabled=True, server_url="https://live.example",
                   directory_url=directory.url + "/")
        with trio.fail_after(20):
            async with running_notify(notify_db, datadir) as notify:
                # Offline: nothing is sent (a ping before this point would be the first request).
                notify_db.write(lambda: state.put(notify_db, state.STREAM, {"online": True}))
                await notify.bus.publish(started("s1"))
                await directory.wait_for(lambda reqs: len(reqs) == 1)
                await until(notify_db, lambda db: store.get("directory_registration_key") == "issued-key")
                await notify.bus.publish(started("s2"))
                await directory.wait_for(lambda reqs: len(reqs) == 2)
                # What /api/admin/yp/reset does: the next ping asks for a new registration.
                await notify.set_config(directory_registration_key="")
                await notify.bus.publish(started("s3"))
                await directory.wait_for(lambda reqs: len(reqs) == 3)
    assert [(r.method, r.path, r.json()) for r in directory.requests] == [
        ("POST", "/api/ping", {"key": "", "url": "https://live.example"}),
        ("POST", "/api/ping", {"key": "issued-key", "url": "https://live.example"}),
        ("POST", "/api/ping", {"key": "", "url": "https://live.example"})]


async def test_no_ping_without_a_server_url(notify_db: Database, datadir: Path) -> None:
    async with receiver() as directory:
        set_config(notify_db, directory_enabled=True, directory_url=directory.url)
        notify_db.write(lambda: state.put(notify_db, state.STREAM, {"online": True}))
        with trio.fail_after(20):
            async with running_notify(notify_db, datadir) as notify:
                await notify.set_config(server_url="https://live.example")
                await directory.wait_for(lambda reqs: len(reqs) == 1)
    assert directory.requests[0].json() == {"key": "", "url": "https://live.example"}
