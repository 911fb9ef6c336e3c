"""Notify benchmark: webhook deliveries/s and bus-event-to-receiver delay, beside the bus's own push.

Processes, as in production: ``owncast notify`` alone on a fresh data directory with 5 webhooks
to one local receiver process (trio + h11, answering 200), a publisher process that puts chat
messages on the bus, and a plain bus subscriber process that measures the bus's own push latency
for the same events. Two phases: a burst (``--events``, default 10,000 events, so 5x as many
deliveries) for deliveries/s, then ``--paced-seconds`` at 100 events/s for the delay percentiles.
Targets (issue 12): p99 under 50 ms at 100 events/s; at least 1,000 deliveries/s.

    python bench/notify.py [--events 10000] [--paced-seconds 20] [--hooks 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trio

from owncast_cli.bus.catalog import ChatMessage

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
OWNCAST = [sys.executable, "-m", "owncast_cli"]


def message(n: int, phase: str) -> ChatMessage:
    # rawBody carries the publish time, so the receiver can measure the delay without the bus.
    return ChatMessage(body=f"<p>{n}</p>", id=f"{phase}{n}", timestamp="2026-12-08T00:00:00Z", kind="CHAT",
                       user={"id": "bench", "displayName": "bench"}, visible=True, raw_body=repr(time.time()))


# --- the roles, each run in its own process -------------------------------------------------------

def role_receive(expected: int) -> None:
    """Count deliveries; print ``ready PORT``, then the delays and arrival times as JSON."""
    sys.path.insert(0, str(ROOT))
    from tests.notify.receiver import Receiver

    arrivals: dict[str, list[tuple[float, float]]] = {}

    def answer(request: object) -> int:
        now = time.time()
        data = json.loads(request.body)["eventData"]  # type: ignore[attr-defined]
        arrivals.setdefault(data["id"][0], []).append((now, now - float(data["rawBody"])))
        return 200

    async def main() -> None:
        got = Receiver(answer)
        async with trio.open_nursery() as nursery:
            await nursery.start(got.serve)
            print(f"ready {got.port}", flush=True)
            with trio.move_on_after(900):
                await got.wait_for(lambda reqs: len(reqs) >= expected, timeout=900)
            nursery.cancel_scope.cancel()
        print(json.dumps({"arrivals": arrivals, "requests": len(got.requests)}), flush=True)

    trio.run(main)


def role_subscribe(datadir: str, count: int) -> None:
    """The bus's own push: publish time -> this process, for the paced events."""
    from owncast_cli.bus import open_bus
    from owncast_cli.db import open_database

    async def main() -> None:
        db = open_database(Path(datadir) / "owncast.db")
        latencies: list[float] = []
        async with open_bus(db, Path(datadir) / "run", "bench-sub") as bus, \
                bus.subscribe(types=[ChatMessage]) as sub:
            print("ready", flush=True)
            async for event in sub:
                if event.data["id"].startswith("p"):
                    latencies.append(time.time() - float(event.data["rawBody"]))
                    if len(latencies) >= count:
                        break
        print(json.dumps({"latencies": latencies}), flush=True)

    trio.run(main)


def role_publish(datadir: str, count: int, rate: float, phase: str) -> None:
    from owncast_cli.bus import open_bus
    from owncast_cli.db import open_database

    async def main() -> None:
        db = open_database(Path(datadir) / "owncast.db")
        async with open_bus(db, Path(datadir) / "run", "bench") as bus:
            begin = trio.current_time()
            if rate:
                for n in range(count):
                    await trio.sleep_until(begin + n / rate)
                    await bus.publish(message(n, phase))
            else:
                for n in range(0, count, 100):
                    await bus.publish_many([message(i, phase) for i in range(n, min(count, n + 100))])
        print(json.dumps({"published": count}), flush=True)

    trio.run(main)


# --- the driver ------------------------------------------------------------------------------------

def owncast(datadir: Path, *args: str) -> str:
    env = {**os.environ, "OWNCAST_DATADIR": str(datadir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([*OWNCAST, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True,
                          timeout=60).stdout


def role(*args: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, str(HERE), "--role", *map(str, args)], stdout=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def wait_notify_ready(datadir: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(datadir / "owncast.db") as conn:
            if conn.execute("SELECT 1 FROM daemons WHERE name = 'notify' AND state = 'running'").fetchone():
                return
        time.sleep(0.05)
    raise SystemExit("notify did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process used so far (/proc: the machine may be shared and busy)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drained(datadir: Path, timeout: float = 900) -> None:
    """Until notify has no delivery pending (the burst is through), so the paced phase starts idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(datadir / "owncast.db") as conn:
            queued = conn.execute("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'").fetchone()[0]
            routed = conn.execute("SELECT last_id FROM bus_cursors WHERE name = 'notify'").fetchone()[0]
            last = conn.execute("SELECT MAX(id) FROM events").fetchone()[0]
        if not queued and routed >= last:
            return
        time.sleep(0.1)
    raise SystemExit("notify did not deliver the burst in time")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role")
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--paced-seconds", type=float, default=20.0)
    parser.add_argument("--hooks", type=int, default=5, help="webhooks (all to the one receiver)")
    args = parser.parse_args()
    if args.role:
        roles = {"receive": (role_receive, (int,)), "subscribe": (role_subscribe, (str, int)),
                 "publish": (role_publish, (str, int, float, str))}
        fn, kinds = roles[args.role]
        fn(*(kind(v) for kind, v in zip(kinds, args.rest)))  # type: ignore[operator]
        return

    paced = int(100 * args.paced_seconds)
    datadir = Path(tempfile.mkdtemp(prefix="ocb-", dir="/tmp"))
    owncast(datadir, "migrate")
    owncast(datadir, "config", "set", "outbound_allowed_hosts", '["127.0.0.1"]')
    receiver = role("receive", args.hooks * (args.events + paced))
    assert receiver.stdout is not None
    port = int(receiver.stdout.readline().split()[1])
    for _ in range(args.hooks):
        owncast(datadir, "webhooks", "add", f"http://127.0.0.1:{port}/hook", "--event", "CHAT")
    env = {**os.environ, "OWNCAST_DATADIR": str(datadir), "PYTHONPATH": str(ROOT)}
    # NOTIFY_PROFILE=FILE profiles the notify process (cProfile writes FILE when it stops).
    profile = ["-m", "cProfile", "-o", os.environ["NOTIFY_PROFILE"]] if os.environ.get("NOTIFY_PROFILE") else []
    notify = subprocess.Popen([sys.executable, *profile, "-m", "owncast_cli", "notify"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=(datadir / "notify.log").open("w"))
    try:
        wait_notify_ready(datadir)
        idle_cpu = cpu_seconds(notify.pid)  # start-up (imports, keys) is not delivery work
        began = time.time()
        burst = role("publish", datadir, args.events, 0, "b")
        burst.communicate(timeout=600)
        drained(datadir)
        subscriber = role("subscribe", datadir, paced)
        assert subscriber.stdout is not None and subscriber.stdout.readline().strip() == "ready"
        role("publish", datadir, paced, 100.0, "p").communicate(timeout=600)
        out, _ = receiver.communicate(timeout=900)
        sub_out, _ = subscriber.communicate(timeout=60)
        cpu = cpu_seconds(notify.pid) - idle_cpu
    finally:
        notify.send_signal(signal.SIGTERM)
        notify.wait(10)
        shutil.rmtree(datadir, ignore_errors=True)
    result = json.loads(out.strip().splitlines()[-1])
    bursts = result["arrivals"].get("b", [])
    delays = [d * 1000 for _, d in result["arrivals"].get("p", [])]
    bus = [x * 1000 for x in json.loads(sub_out.strip().splitlines()[-1])["latencies"]]
    if bursts:
        span = max(t for t, _ in bursts) - began
        print(f"burst: {args.events} events x {args.hooks} webhooks = {len(bursts)} deliveries in {span:.1f} s: "
              f"{len(bursts) / span:.0f} deliveries/s (target >= 1,000)")
    if delays:
        print(f"paced at 100 events/s for {args.paced_seconds:g} s, bus event -> receiver ({len(delays)} deliveries):"
              f"\n  p50 {statistics.median(delays):.1f} ms   p99 {percentile(delays, 0.99):.1f} ms"
              f"   max {max(delays):.1f} ms   (target p99 < 50 ms)")
    total = len(bursts) + len(delays)
    print(f"notify used {cpu:.1f} s of CPU for {total} deliveries: {cpu * 1000 / max(1, total):.2f} ms each, "
          f"so {total / cpu if cpu else 0:.0f} deliveries per CPU-second; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    if bus:
        print(f"  the bus's own push, publisher -> subscriber process: p50 {statistics.median(bus):.1f} ms"
              f"   p99 {percentile(bus, 0.99):.1f} ms")


if __name__ == "__main__":
    main()
