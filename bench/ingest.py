"""Ingest benchmark: CPU per minute of a 720p30 ~5 Mbit/s stream and the added relay delay.

In one run, on the same recorded stream (made once with the bundled ffmpeg):
  1. our `owncast ingest` process CPU while ffmpeg publishes the recording in real time
     (`-re -c copy`), with a reader draining run/ingest.sock as the transcoder would;
  2. the same for nginx with the RTMP module (../shared/anchors/nginx-rtmp-anchor.conf);
  3. the delay from an RTMP message leaving our test publisher to its FLV tag being readable
     on run/ingest.sock (real time, 30 fps, ~5 Mbit/s), p50/p99.
Targets (issue 3): CPU <= 3x nginx-rtmp's; p99 added delay < 5 ms. Parse speed: bench/rtmp_parse.py.

    python bench/ingest.py [--seconds 30]     (needs: apt-get install -y nginx libnginx-mod-rtmp)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import imageio_ffmpeg
import psutil
import trio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
WORK = Path("/tmp/owncast-bench")
ANCHOR = ROOT.parent / "shared" / "anchors" / "nginx-rtmp-anchor.conf"


def recording(seconds: int) -> Path:
    path = WORK / f"rec-720p30-{seconds}s.flv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
                        "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
                        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4800k", "-maxrate", "4800k",
                        "-bufsize", "9600k", "-g", "60", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-b:a", "128k", "-f", "flv", str(path)], check=True)
    return path


def publish(rec: Path, url: str) -> None:
    subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-i", str(rec), "-c", "copy",
                    "-f", "flv", url], check=True)


def cpu_seconds(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        times = proc.cpu_times()
        total += times.user + times.system
    return total


def measure(procs: list[psutil.Process], rec: Path, url: str) -> tuple[float, float]:
    before, start = cpu_seconds(procs), time.monotonic()
    publish(rec, url)
    return cpu_seconds(procs) - before, time.monotonic() - start


def start_ours(datadir: Path) -> tuple[subprocess.Popen[bytes], str, Path]:
    owncast = [sys.executable, "-m", "owncast_cli"]
    subprocess.run([*owncast, "migrate", "--datadir", str(datadir)], check=True, capture_output=True, cwd=ROOT)
    proc = subprocess.Popen([*owncast, "ingest", "--datadir", str(datadir), "--rtmpport", "0",
                             "--plugins-dir", str(datadir)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        out = subprocess.run([*owncast, "status", "--json", "--datadir", str(datadir)], capture_output=True,
                             text=True, cwd=ROOT).stdout
        details = {d["name"]: d for d in json.loads(out)["daemons"]} if out else {}
        if details.get("ingest", {}).get("state") == "running":
            port = details["ingest"]["detail"].split(",")[0].rsplit(":", 1)[1]
            return proc, f"rtmp://127.0.0.1:{port}/live/abc123", datadir / "run" / "ingest.sock"
        time.sleep(0.1)
    raise RuntimeError("ingest did not start")


def drain_socket(sock: Path) -> subprocess.Popen[bytes]:
    """A reader that throws the FLV away, as cheap as possible (not part of what is measured)."""
    code = ("import socket,sys,time\n"
            "s=socket.socket(socket.AF_UNIX)\n"
            "for _ in range(100):\n"
            "  try: s.connect(sys.argv[1]); break\n"
            "  except OSError: time.sleep(0.05)\n"
            "while True:\n"
            "  if not s.recv(1<<20): s.close(); s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])\n")
    return subprocess.Popen([sys.executable, "-c", code, str(sock)])


def run_nginx(rec: Path) -> tuple[float, float] | None:
    if not shutil.which("nginx") or not Path("/usr/lib/nginx/modules/ngx_rtmp_module.so").exists():
        print("nginx-rtmp: not installed (apt-get install -y nginx libnginx-mod-rtmp): no reference")
        return None
    base = Path("/tmp/rtmpbench")
    shutil.rmtree(base, ignore_errors=True)
    for sub in ("hls", "logs", "tmp", "static"):
        (base / sub).mkdir(parents=True)
    (base / "nginx.conf").write_text(ANCHOR.read_text())
    master = subprocess.Popen(["nginx", "-p", str(base), "-c", str(base / "nginx.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        procs = [psutil.Process(master.pid), *psutil.Process(master.pid).children(recursive=True)]
        return measure(procs, rec, "rtmp://127.0.0.1:19350/live/bench")
    finally:
        master.send_signal(signal.SIGQUIT)
        master.wait(timeout=10)


async def added_delay(port: int, sock: Path, seconds: float) -> list[float]:
    """ms from our publisher's send to the tag being readable on run/ingest.sock."""
    from owncast_cli.protocols.flv import FLVReader, FLVTag
    from owncast_cli.protocols.rtmp import RTMPPublishClient

    sent: dict[int, float] = {}
    delays: list[float] = []
    fps, frame = 30, 5_000_000 // 8 // 30
    done = trio.Event()

    async def reader() -> None:
        stream = await trio.open_unix_socket(str(sock))
        flv = FLVReader()
        async with stream:
            while data := await stream.receive_some(1 << 20):
                now = time.perf_counter()
                flv.receive_data(data)
                while (item := flv.next_item()) is not None:
                    if isinstance(item, FLVTag) and item.tag_type == 9 and item.timestamp in sent:
                        delays.append((now - sent.pop(item.timestamp)) * 1000)
        done.set()

    async with trio.open_nursery() as nursery:
        nursery.start_soon(reader)
        stream = await trio.open_tcp_stream("127.0.0.1", port)
        client = RTMPPublishClient("live", "abc123")
        await stream.send_all(client.data_to_send())
        while not client.publishing:
            client.receive_data(await stream.receive_some(65536))
            await stream.send_all(client.data_to_send())
        client.send_video(0, b"\x17\x00\x00\x00\x00\x01\x64\x00\x1f")
        client.send_audio(0, b"\xaf\x00\x11\x90")
        await stream.send_all(client.data_to_send())
        payload = os.urandom(frame)
        start = trio.current_time()
        for i in range(int(seconds * fps)):
            ts = i * 1000 // fps
            await trio.sleep_until(start + ts / 1000)
            client.send_video(ts, bytes((0x17 if i % 60 == 0 else 0x27, 1, 0, 0, 0)) + payload)
            await stream.send_all(client.data_to_send())
            if i:  # the first frame waits for the stream to be announced
                sent[ts] = time.perf_counter()
        client.unpublish()
        await stream.send_all(client.data_to_send())
        await done.wait()
        await stream.aclose()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    rec = recording(args.seconds)
    datadir = Path(tempfile.mkdtemp(prefix="ocb-", dir="/tmp"))
    proc, url, sock = start_ours(datadir)
    reader = drain_socket(sock)
    try:
        cpu, wall = measure([psutil.Process(proc.pid)], rec, url)
        ours = cpu / wall * 100
        print(f"ours: owncast ingest     {ours:5.2f} % of one core  ({cpu / wall * 60:.2f} CPU-s per minute of stream)")
        reader.kill()
        reader.wait()
        port = int(url.split(":")[2].split("/")[0])
        delays = trio.run(added_delay, port, sock, min(args.seconds, 20))
        p99 = sorted(delays)[int(0.99 * len(delays))]
        print(f"ours: RTMP message -> FLV tag readable on run/ingest.sock: p50 {statistics.median(delays):.2f} ms"
              f"  p99 {p99:.2f} ms  ({len(delays)} frames of ~21 KB; target p99 < 5 ms)")
    finally:
        reader.kill()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        shutil.rmtree(datadir, ignore_errors=True)
    reference = run_nginx(rec)
    if reference:
        cpu, wall = reference
        theirs = cpu / wall * 100
        print(f"reference: nginx-rtmp   {theirs:5.2f} % of one core (ingest + HLS segmenting)")
        print(f"ratio ours / nginx-rtmp: {ours / theirs:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
