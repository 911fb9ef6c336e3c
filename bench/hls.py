"""HLS delivery benchmark: our ``owncast serve`` against nginx serving the same files, same run.

Measures with wrk (Debian's): live playlist requests/s, ~600 KB segment requests/s and GB/s, and
the p99 latency of a paced simulation of N viewers (wrk with a Lua script, one keep-alive
connection per viewer, each asking for the playlist and the newest segment in turn, one request
per half segment duration on average, start times spread at random so the viewers do not move in
lock step). The earlier generator (trio + httpx) was itself the bottleneck at 500 viewers.

    python bench/hls.py [--seconds 5] [--viewers 500] [--json]

Installs wrk and nginx with apt-get when they are missing (root, Debian).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SEGMENT_BYTES = 600 * 1024
SEGMENT_SECONDS = 2.0
PLAYLIST = "/hls/0/stream.m3u8"
SEGMENT = "/hls/0/stream-9.ts"


def ensure_tools() -> None:
    if shutil.which("wrk") is None or shutil.which("nginx", path="/usr/sbin:/usr/bin") is None:
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk", "nginx"], check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_media(hls: Path) -> None:
    """A live-looking layout: master, variant playlist of 10 segments, ~600 KB segments."""
    variant = hls / "0"
    variant.mkdir(parents=True, exist_ok=True)
    (hls / "stream.m3u8").write_text(
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=4800000,RESOLUTION=1280x720\n0/stream.m3u8\n")
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0"]
    for i in range(10):
        (variant / f"stream-{i}.ts").write_bytes(os.urandom(SEGMENT_BYTES))
        lines += [f"#EXTINF:{SEGMENT_SECONDS:.6f},", f"stream-{i}.ts"]
    (variant / "stream.m3u8").write_text("\n".join(lines) + "\n")


def start_owncast(datadir: Path) -> tuple[subprocess.Popen[bytes], str]:
    owncast = [sys.executable, "-m", "owncast_cli"]
    subprocess.run([*owncast, "migrate", "--datadir", str(datadir)], check=True, capture_output=True)
    proc = subprocess.Popen([*owncast, "serve", "--datadir", str(datadir), "--webserverip", "127.0.0.1",
                             "--webserverport", "0"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=(datadir / "serve.log").open("w"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            rows = sqlite3.connect(datadir / "owncast.db").execute(
                "SELECT detail FROM daemons WHERE name='serve' AND state='running' AND pid=?", (proc.pid,)).fetchall()
        except sqlite3.OperationalError:
            rows = []
        if rows and rows[0][0].startswith("http://"):
            return proc, rows[0][0].split(",")[0]
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("owncast serve did not start:\n" + (datadir / "serve.log").read_text())


def start_nginx(datadir: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {workdir}/tmp;
    proxy_temp_path {workdir}/tmp;
    fastcgi_temp_path {workdir}/tmp;
    uwsgi_temp_path {workdir}/tmp;
    scgi_temp_path {workdir}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {datadir};
        location /hls/ {{
            types {{ application/x-mpegURL m3u8; video/mp2t ts; }}
            add_header Access-Control-Allow-Origin *;
            location ~ \\.m3u8$ {{ add_header Cache-Control no-cache; add_header Access-Control-Allow-Origin *; }}
        }}
    }}
}}
""")
    (workdir / "tmp").mkdir(exist_ok=True)
    nginx = shutil.which("nginx", path="/usr/sbin:/usr/bin") or "nginx"
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(workdir), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + PLAYLIST, timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("nginx did not start: " + (workdir / "error.log").read_text())


_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def wrk(url: str, seconds: float, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency", url],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", out)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "bytes_per_s": float(transfer.group(1)) * _UNITS[transfer.group(2)],
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


#: wrk's Lua hooks are per thread, not per connection: the thread's requests alternate between
#: playlist and segment, and each connection waits 0.5-1.5 half-periods (random) before its next one,
#: so N connections make N playlist and N segment requests per segment duration, spread out.
#: wrk sends each connection's first request at once, without delay(): like a real viewer's, those
#: are playlists.
PACED_LUA = """
local paths = {"%(playlist)s", "%(segment)s"}
local n = 0
local first = 0
local half = %(half_ms)d
function setup(thread) thread:set("id", tostring(thread)) end
function init(args) math.randomseed(os.time() + #id); first = tonumber(args[1]) end
function delay() return math.floor(half * (0.5 + math.random())) end
function request()
    n = n + 1
    if n <= first then return wrk.format("GET", paths[1]) end
    return wrk.format("GET", paths[n %% 2 + 1])
end
"""

_TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def paced(base: str, viewers: int, seconds: float, workdir: Path) -> dict[str, float]:
    """p50/p99 per request of ``viewers`` paced viewers, with wrk (see :data:`PACED_LUA`)."""
    script = workdir / "paced.lua"
    script.write_text(PACED_LUA % {"playlist": PLAYLIST, "segment": SEGMENT, "half_ms": SEGMENT_SECONDS * 500})
    out = subprocess.run(["wrk", "-t2", f"-c{viewers}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                          "--latency", "-s", str(script), base, "--", str(-(-viewers // 2))],
                         capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    rows = re.findall(r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)$", out, re.M)
    percentiles = {q: float(v) * _TIME_UNITS[u] for q, v, u in rows}
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests": requests, "p50_ms": percentiles["50"], "p99_ms": percentiles["99"],
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def measure(name: str, base: str, seconds: float, viewers: int, workdir: Path) -> dict[str, object]:
    print(f"[{name}] playlist ...", file=sys.stderr)
    playlist = wrk(base + PLAYLIST, seconds, 50)
    print(f"[{name}] segment ...", file=sys.stderr)
    segment = wrk(base + SEGMENT, seconds, 16)
    print(f"[{name}] {viewers} paced viewers ...", file=sys.stderr)
    sim = paced(base, viewers, max(2 * seconds, 5 * SEGMENT_SECONDS), workdir)
    return {"playlist": playlist, "segment": segment, "paced": sim}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--viewers", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    ensure_tools()
    workdir = Path(tempfile.mkdtemp(prefix="oc-bench-", dir="/tmp"))
    workdir.chmod(0o755)  # nginx workers run as www-data
    datadir = workdir / "data"
    datadir.mkdir()
    write_media(datadir / "hls")
    procs = []
    try:
        ours, our_url = start_owncast(datadir)
        procs.append(ours)
        nginx, nginx_url = start_nginx(datadir, workdir)
        procs.append(nginx)
        results = {"load_before": os.getloadavg()[0],
                   "owncast": measure("owncast", our_url, args.seconds, args.viewers, workdir),
                   "nginx": measure("nginx", nginx_url, args.seconds, args.viewers, workdir)}
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    o, n = results["owncast"], results["nginx"]
    rows = [
        ("playlist req/s", o["playlist"]["rps"], n["playlist"]["rps"], ">= 5000"),
        ("segment req/s", o["segment"]["rps"], n["segment"]["rps"], ""),
        ("segment GB/s", o["segment"]["bytes_per_s"] / 1e9, n["segment"]["bytes_per_s"] / 1e9, ">= 1.0"),
        (f"paced {args.viewers} p50 ms", o["paced"]["p50_ms"], n["paced"]["p50_ms"], ""),
        (f"paced {args.viewers} p99 ms", o["paced"]["p99_ms"], n["paced"]["p99_ms"], "<= 2x nginx"),
        ("errors", o["playlist"]["errors"] + o["segment"]["errors"] + o["paced"]["errors"],
         n["playlist"]["errors"] + n["segment"]["errors"] + n["paced"]["errors"], "0"),
    ]
    print(f"load average before: {results['load_before']:.2f} on {os.cpu_count()} cores")
    print(f"{'':24}{'owncast':>12}{'nginx':>12}{'ratio':>8}  target")
    for label, ours_v, theirs, target in rows:
        ratio = ours_v / theirs if theirs else float("nan")
        print(f"{label:24}{ours_v:12.2f}{theirs:12.2f}{ratio:8.2f}  {target}")


if __name__ == "__main__":
    main()
