"""Bus benchmark: durable events/s and live-push latency, publisher process -> subscriber process.

The reference, measured in the same run on the same kind of SQLite file (WAL, same pragmas), is a
plain peewee insert loop: one ``Model.create`` per row, each its own transaction. Targets (issue 2):
durable rate >= 70 % of the plain insert rate; p99 push latency < 5 ms at 1,000 events/s.

    python bench/bus.py [--events 20000] [--latency-seconds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trio

HERE = Path(__file__).resolve()


# --- the roles, each run in its own process -------------------------------------------------------

def role_plain(db_path: str, count: int) -> None:
    import peewee

    from owncast_cli.db.database import PRAGMAS

    db = peewee.SqliteDatabase(db_path, pragmas=PRAGMAS)

    class Row(peewee.Model):
        type = peewee.TextField()
        data = peewee.TextField()

        class Meta:
            database = db

    db.create_tables([Row])
    payload = json.dumps({"n": 0, "text": "x" * 100})
    start = time.perf_counter()
    for _ in range(count):
        Row.create(type="bench.tick", data=payload)
    print(json.dumps({"rate": count / (time.perf_counter() - start)}))


def role_publish(datadir: str, count: int, concurrency: int, rate: float) -> None:
    from owncast_cli.bus import open_bus
    from owncast_cli.bus.catalog import ChatSendRequested
    from owncast_cli.db import open_database

    async def main() -> None:
        db = open_database(Path(datadir) / "owncast.db", background_checkpoints=True)
        async with open_bus(db, Path(datadir) / "run", "bench") as bus, trio.open_nursery() as bg:
            bg.start_soon(db.checkpoint_forever)  # as a daemon process runs it
            per_task = count // concurrency

            async def publisher(offset: int) -> None:
                begin = trio.current_time()
                for i in range(per_task):
                    if rate:
                        await trio.sleep_until(begin + i * concurrency / rate)
                    # A typed event with about the old payload's size; its body carries the send time.
                    tick = json.dumps({"n": offset + i, "t0": time.time(), "text": "x" * 100})
                    await bus.publish(ChatSendRequested(body=tick, system=True))

            start = time.perf_counter()
            async with trio.open_nursery() as nursery:
                for k in range(concurrency):
                    nursery.start_soon(publisher, k * per_task)
            elapsed = time.perf_counter() - start
            bg.cancel_scope.cancel()
        print(json.dumps({"rate": per_task * concurrency / elapsed}))

    trio.run(main)


def role_subscribe(datadir: str, count: int) -> None:
    from owncast_cli.bus import open_bus
    from owncast_cli.bus.catalog import ChatSendRequested
    from owncast_cli.db import open_database

    async def main() -> None:
        db = open_database(Path(datadir) / "owncast.db")
        latencies = []
        async with open_bus(db, Path(datadir) / "run", "bench-sub") as bus:
            async with bus.subscribe(types=[ChatSendRequested]) as sub:
                print("ready", flush=True)
                async for event in sub:
                    latencies.append(time.time() - json.loads(event.data["body"])["t0"])
                    if len(latencies) >= count:
                        break
        print(json.dumps({"latencies": latencies}), flush=True)

    trio.run(main)


# --- the driver ------------------------------------------------------------------------------------

def run_role(*args: object, timeout: float = 300) -> dict:
    out = subprocess.run([sys.executable, str(HERE), "--role", *map(str, args)], capture_output=True,
                         text=True, timeout=timeout, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def fresh_datadir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="ocb-", dir="/tmp"))
    subprocess.run([sys.executable, "-m", "owncast_cli", "migrate", "--datadir", str(path)],
                   check=True, capture_output=True)
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role")
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--latency-seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.role:
        roles = {"plain": role_plain, "publish": role_publish, "subscribe": role_subscribe}
        kinds = {"plain": (str, int), "publish": (str, int, int, float), "subscribe": (str, int)}
        roles[args.role](*(kind(v) for kind, v in zip(kinds[args.role], args.rest)))
        return

    n = args.events
    plain = run_role("plain", str(fresh_datadir() / "plain.db"), n)["rate"]
    print(f"reference: plain peewee insert loop            {plain:9.0f} rows/s")
    for concurrency in (1, 16):
        ours = run_role("publish", fresh_datadir(), n, concurrency, 0)["rate"]
        print(f"ours: durable publish, {concurrency:2d} concurrent publisher(s) {ours:9.0f} events/s"
              f"   ratio {ours / plain:.2f}")

    count = int(1000 * args.latency_seconds)
    datadir = fresh_datadir()
    sub = subprocess.Popen([sys.executable, str(HERE), "--role", "subscribe", str(datadir), str(count)],
                           stdout=subprocess.PIPE, text=True)
    assert sub.stdout is not None and sub.stdout.readline().strip() == "ready"
    run_role("publish", datadir, count, 1, 1000.0)
    out, _ = sub.communicate(timeout=60)
    latencies = [x * 1000 for x in json.loads(out.strip().splitlines()[-1])["latencies"]]
    print(f"live push at 1,000 events/s, publisher -> subscriber process ({count} events):")
    print(f"  p50 {statistics.median(latencies):.2f} ms   p99 {percentile(latencies, 0.99):.2f} ms"
          f"   max {max(latencies):.2f} ms   (target p99 < 5 ms)")


if __name__ == "__main__":
    main()
