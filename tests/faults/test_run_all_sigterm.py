"""SIGTERM ``owncast run-all`` mid-stream: a clean exit, a sound database, a bus that resumes."""

from __future__ import annotations

import json
import signal
import socket
from collections import Counter
from pathlib import Path

import httpx
import trio

from owncast_cli.bus import log
from owncast_cli.db import open_database
from owncast_cli.repos import backup
from tests.faults.conftest import Cluster, next_matching
from tests.faults.traffic import Chatter, history
from tests.ingest.live import watch

#: A plugin that records every delivery of a bus event (no de-duplication, unlike event_log) and
#: tells the test over a datagram socket, so the test waits for deliveries instead of polling.
RECORDER = '''
import socket
from pathlib import Path

from owncast_cli.plugins import hookimpl

@hookimpl
def owncast_event(event, settings):
    datadir = Path(settings.datadir)
    with (datadir / "delivered.txt").open("a") as fh:
        fh.write(f"{event['id']}\\n")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)  # a full queue must not block the hook
        try:
            sock.sendto(str(event["id"]).encode(), str(datadir / "delivered.sock"))
        except OSError:
            pass
'''


def delivered(datadir: Path) -> list[int]:
    path = datadir / "delivered.txt"
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def event_ids(datadir: Path, first: int) -> list[int]:
    db = open_database(datadir / "owncast.db")
    try:
        return [e.id for e in log.read_since(db, first - 1, limit=1_000_000)]
    finally:
        db.close()


class Deliveries:
    """The recorder plugin's datagrams, read as they come (a full queue would drop new ones)."""

    def __init__(self, path: Path) -> None:
        self.path, self.highest, self._moved = path, 0, trio.Event()

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        with trio.socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            await sock.bind(str(self.path))
            task_status.started()
            while True:
                self.highest = max(self.highest, int(await sock.recv(64)))
                self._moved.set()
                self._moved = trio.Event()

    async def reach(self, event_id: int, timeout: float = 20.0) -> None:
        with trio.fail_after(timeout):
            while self.highest < event_id:
                await self._moved.wait()


async def test_sigterm_run_all_mid_stream(cluster: Cluster) -> None:
    datadir = cluster.datadir
    plugins = datadir / "plugins"
    plugins.mkdir()
    (plugins / "recorder.py").write_text(RECORDER)
    deliveries = Deliveries(datadir / "delivered.sock")
    async with trio.open_nursery() as background:
        await background.start(deliveries.run)
        run_all = await cluster.start("run-all", "--webserverip", "127.0.0.1", "--webserverport", "0",
                                      "--rtmpport", "0", "--plugins-dir", str(plugins))
        base = cluster.pin_web_port(run_all)
        async with watch(datadir, "stream.started", "stream.stopped", "transcode.segment", "chat.message") as bus:
            async with trio.open_nursery() as traffic:
                await cluster.publish_test()
                started = await next_matching(bus, lambda e: e.type == "stream.started")
                await next_matching(bus, lambda e: e.type == "transcode.segment")
                chatters = [Chatter(lambda: base, name) for name in ("carol", "dave")]
                for chatter in chatters:
                    await traffic.start(chatter.run)
                    await chatter.wait_echoes(2)

                began = trio.current_time()
                run_all.signal(signal.SIGTERM)
                code = await run_all.wait(timeout=5)
                took = trio.current_time() - began
                traffic.cancel_scope.cancel()
            assert code == 0, cluster.logs()
            assert took < 5.0
            found = backup.inspect(datadir / "owncast.db")
            assert found.integrity == "ok"
            stopped = await next_matching(bus, lambda e: e.type == "stream.stopped", timeout=5)
            assert stopped.data["streamId"] == started.data["streamId"]

            # While everything is down, the CLI appends events for the subscribers to catch up on.
            await cluster.owncast("config", "set", "stream_title", "Set while down")
            await cluster.owncast("chat", "send", "sent while down")
            before = delivered(datadir)
            db = open_database(datadir / "owncast.db")
            last = log.last_id(db)
            db.close()
            assert before and before[-1] < last

            await run_all.start()
            await deliveries.reach(last)
            await next_matching(bus, lambda e: e.type == "chat.message" and "sent while down" in json.dumps(e.data))
        background.cancel_scope.cancel()

    # The plugins' durable cursor: every event once, in order, across the stop.
    after = delivered(datadir)
    twice = [i for i, n in Counter(after).items() if n > 1]
    assert not twice, f"delivered more than once: {twice}"
    assert after == event_ids(datadir, after[0])[:len(after)]
    assert last in after
    # The chat's durable cursor: the message asked for while chat was down went out once.
    said = await history(base, chatters[0].user)
    assert said.count("sent while down") == 1
    for chatter in chatters:
        assert not [body for body in chatter.echoed if body not in said]
    async with httpx.AsyncClient(base_url=base, timeout=10) as http:
        status = (await http.get("/api/status")).json()
    assert status["online"] is False and status["streamTitle"] == "Set while down"


#: A plugin whose hook never returns for one event (a webhook call without a timeout, say).
STUCK = '''
import socket
import threading
from pathlib import Path

from owncast_cli.plugins import hookimpl

@hookimpl
def owncast_event(event, settings):
    if event["type"] == "config.changed" and event["data"].get("key") == "stream_title":
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"stuck", str(Path(settings.datadir) / "stuck.sock"))
        threading.Event().wait()
'''


async def test_sigterm_run_all_with_a_plugin_stuck_in_its_hook(cluster: Cluster) -> None:
    datadir = cluster.datadir
    plugins = datadir / "plugins"
    plugins.mkdir()
    (plugins / "stuck.py").write_text(STUCK)
    with trio.socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as stuck:
        await stuck.bind(str(datadir / "stuck.sock"))
        run_all = await cluster.start("run-all", "--webserverip", "127.0.0.1", "--webserverport", "0",
                                      "--rtmpport", "0", "--plugins-dir", str(plugins))
        await cluster.owncast("config", "set", "stream_title", "never acknowledged")
        with trio.fail_after(10):
            assert await stuck.recv(16) == b"stuck"
        began = trio.current_time()
        run_all.signal(signal.SIGTERM)
        assert await run_all.wait(timeout=5) == 0, cluster.logs()
        assert trio.current_time() - began < 5.0
    # The stuck event was never acknowledged: it is delivered again after a restart.
    db = open_database(datadir / "owncast.db")
    try:
        from owncast_cli.plugins.host import CURSOR

        stuck_id = [e.id for e in log.read_since(db, 0, limit=10_000, types=["config.changed"])
                    if e.data.get("key") == "stream_title"][-1]
        assert (log.get_cursor(db, CURSOR) or 0) < stuck_id
    finally:
        db.close()
