"""Chat fan-out benchmark: our chat (in `owncast run-all`) beside the Go reference hub, same run.

Builds the reference hub (../shared/anchors/chathub.go) and our Owncast-protocol load client
(bench/chatload_owncast.go, adapted from the reference chatload.go) with Debian's Go
(`apt-get install -y golang-go golang-github-gorilla-websocket-dev`), then for both servers:
  1. 1,000 clients, 200-byte messages at 20 msg/s: loss and p50/p95/p99 delivery latency;
  2. the highest rate of a ladder with p99 < 250 ms and no loss, and its ratio to the Go hub's;
  3. RSS per connected idle client, and the time to connect 1,000 clients.
Loopback only. Prints a table, and JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
ANCHORS = ROOT.parent / "shared" / "anchors"
GO_ENV = {**os.environ, "GO111MODULE": "off", "GOPATH": "/usr/share/gocode"}
HUB_ADDR = "127.0.0.1:18090"
RESULT = re.compile(r"(\w+)=([-\d.]+)")
LADDER = (5, 10, 20, 50, 100, 200, 500, 1000, 2000)


def build(workdir: Path) -> tuple[Path, Path]:
    if shutil.which("go") is None:
        sys.exit("bench/chat.py needs Go: apt-get install -y golang-go golang-github-gorilla-websocket-dev")
    shutil.copy(ANCHORS / "chathub.go", workdir / "chathub.go")
    shutil.copy(ROOT / "bench" / "chatload_owncast.go", workdir / "chatload_owncast.go")
    for name in ("chathub", "chatload_owncast"):
        subprocess.run(["go", "build", "-o", name, f"{name}.go"], cwd=workdir, env=GO_ENV, check=True, timeout=300)
    return workdir / "chathub", workdir / "chatload_owncast"


def load(client: Path, ws_url: str, register: str, *, n: int, rate: int, dur: float,
         hold: float = 0, on_idle: object = None) -> dict[str, float]:
    args = [str(client), "-url", ws_url, "-n", str(n), "-rate", str(rate), "-dur", f"{dur}s", "-size", "200"]
    if register:
        args += ["-register", register]
    if hold:
        args += ["-hold", f"{hold}s"]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    result: dict[str, float] = {}
    for line in proc.stdout:
        if line.startswith("idle") and callable(on_idle):
            on_idle()
        if line.startswith("RESULT"):
            result = {k: float(v) for k, v in RESULT.findall(line)}
    proc.wait(timeout=dur + hold + 120)
    if not result:
        raise RuntimeError(f"load client failed against {ws_url} (exit {proc.returncode})")
    return result


class Server:
    def __init__(self, name: str, proc: subprocess.Popen[bytes], ws_url: str, register: str) -> None:
        self.name, self.proc, self.ws_url, self.register = name, proc, ws_url, register

    def rss(self) -> int:
        return psutil.Process(self.proc.pid).memory_info().rss

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_hub(hub: Path) -> Server:
    proc = subprocess.Popen([str(hub), "-addr", HUB_ADDR], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            import urllib.request

            urllib.request.urlopen(f"http://{HUB_ADDR}/count", timeout=1).read()
            break
        except OSError:
            time.sleep(0.05)
    return Server("go hub", proc, f"ws://{HUB_ADDR}/ws", "")


def start_ours(datadir: Path) -> Server:
    owncast = [sys.executable, "-m", "owncast_cli"]
    subprocess.run([*owncast, "migrate", "--datadir", str(datadir)], check=True, capture_output=True, timeout=60)
    for key, value in (("chat_spam_protection_enabled", "false"), ("chat_join_messages_enabled", "false")):
        # The load client sends far faster than Owncast's flood limit allows one user to.
        subprocess.run([*owncast, "config", "set", key, value, "--datadir", str(datadir)], check=True,
                       capture_output=True, timeout=60)
    log = (datadir / "run-all.log").open("w")
    proc = subprocess.Popen([*owncast, "run-all", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
                             "--webserverport", "0", "--rtmpport", "0"], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            rows = sqlite3.connect(datadir / "owncast.db").execute(
                "SELECT detail FROM daemons WHERE name='chat' AND state='running'").fetchall()
            base = sqlite3.connect(datadir / "owncast.db").execute(
                "SELECT detail FROM daemons WHERE name='serve' AND state='running'").fetchall()
        except sqlite3.OperationalError:
            rows, base = [], []
        if rows and base and base[0][0].startswith("http://"):
            url = base[0][0].split(",")[0]
            return Server("owncast (python)", proc, url.replace("http://", "ws://") + "/ws", url)
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"run-all did not start: {(datadir / 'run-all.log').read_text()}")


def measure(server: Server, client: Path, n: int, dur: float) -> dict[str, object]:
    out: dict[str, object] = {"server": server.name}
    before = server.rss()
    samples: list[int] = []
    steady = load(client, server.ws_url, server.register, n=n, rate=20, dur=dur, hold=2,
                  on_idle=lambda: (time.sleep(1.5), samples.append(server.rss())))
    out["connect_s"] = steady["connect_s"]
    out["idle_kb_per_client"] = round((samples[0] - before) / n / 1024, 1) if samples else None
    out["at_20"] = {k: steady[k] for k in ("loss", "p50", "p95", "p99", "deliveries_per_s")}
    best = 0
    ladder: list[dict[str, float]] = []
    for rate in LADDER:
        result = load(client, server.ws_url, server.register, n=n, rate=rate, dur=min(dur, 5))
        ladder.append({"rate": rate, "loss": result["loss"], "p99": result["p99"]})
        if result["loss"] > 0 or result["p99"] >= 250:
            break
        best = rate
    out["max_rate"] = best
    out["ladder"] = ladder
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending at 20 msg/s")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="oc-bench-", dir="/tmp"))
    try:
        hub_bin, client = build(work)
        results = []
        hub = start_hub(hub_bin)
        try:
            results.append(measure(hub, client, args.clients, args.duration))
        finally:
            hub.stop()
        datadir = work / "d"
        ours = start_ours(datadir)
        try:
            results.append(measure(ours, client, args.clients, args.duration))
        finally:
            ours.stop()
        go, py = results
        ratio = (py["max_rate"] / go["max_rate"]) if go["max_rate"] else None  # type: ignore[operator]
        report = {"clients": args.clients, "results": results, "max_rate_ratio": ratio}
        if args.json:
            print(json.dumps(report, indent=2))
            return
        print(f"{args.clients} clients, 200-byte messages")
        for r in results:
            a = r["at_20"]
            print(f"  {r['server']:<18} 20 msg/s: loss {a['loss']:.4f} p50 {a['p50']:.1f} ms p99 {a['p99']:.1f} ms | "  # type: ignore[index]
                  f"max rate (p99<250 ms, no loss) {r['max_rate']} msg/s | idle {r['idle_kb_per_client']} KB/client | "
                  f"connect {r['connect_s']:.2f} s")
        print(f"  max-rate ratio ours/Go: {ratio if ratio is None else round(ratio, 3)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
