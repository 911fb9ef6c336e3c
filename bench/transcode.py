"""Transcode benchmark: our daemon's own CPU, its ffmpeg beside the same argv standalone, HLS latency.

In one run, on one recorded 720p30 ~4.8 Mbit/s FLV (made once with the bundled ffmpeg, 1 s GOP so
nginx-rtmp can cut 1 s fragments), published with ``ffmpeg -re -i rec.flv -c copy -f flv rtmp://…``
into ``owncast ingest`` + ``owncast transcode`` running as their own processes (after ``owncast migrate``,
default variant: 1200 kbit/s, 24 fps, cpu level 2), at latency levels 0 (1 s segments) and 1 (2 s):
  1. CPU of the ``owncast transcode`` process itself (not its ffmpeg) while streaming; target < 2 % of a core;
  2. its ffmpeg child's CPU per second of media and its speed, beside the identical argv run
     standalone on the recording (paced with ``-re`` like a live input, and unpaced); target within 10 %;
  3. publish-to-HLS latency beside nginx-rtmp with the same segment length
     (../shared/anchors/nginx-rtmp-anchor.conf, 1 s and 2 s variants); target within one segment length.
Latency: the variant playlist is polled every 5 ms; for each new segment, (when it appeared in the
playlist) - (publish time of its last frame). With ``-re`` a frame of media time t is published at
T0 + t (T0 from the publisher's own -progress reports, see Publisher). A segment's media range comes
from the EXTINF sums, offset by what the server skipped at the start (recording length - all EXTINFs:
our transcoder starts at ingest's latest keyframe). The last segment (closed by the end of the input,
not by the clock) is left out.

    python bench/transcode.py [--seconds 30] [--runs 2]     (needs: apt-get install -y nginx libnginx-mod-rtmp)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import imageio_ffmpeg
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from owncast_cli.media.ffmpeg import FFmpegSource, inspect_ffmpeg  # noqa: E402
from owncast_cli.protocols.hls import HlsError, parse_media_playlist  # noqa: E402
from owncast_cli.transcode.offline import ensure_generated_clip  # noqa: E402

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
OWNCAST = [sys.executable, "-m", "owncast_cli"]
WORK = Path("/tmp/owncast-bench")
ANCHOR = ROOT.parent / "shared" / "anchors" / "nginx-rtmp-anchor.conf"
NGINX_BASE = Path("/tmp/rtmpbench-tc")  # not the anchor's /tmp/rtmpbench: bench/ingest.py may run beside
NGINX_RTMP_PORT, NGINX_HTTP_PORT = 19352, 18082
INPUT_FPS = 30
POLL = 0.005


def recording(seconds: int) -> Path:
    path = WORK / f"rec-720p30-g30-{seconds}s.flv"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.flv")
        subprocess.run([FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
                        "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate={INPUT_FPS}",
                        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", str(seconds),
                        "-c:v", "libx264", "-preset", "veryfast", "-b:v", "4800k", "-maxrate", "4800k",
                        "-bufsize", "9600k", "-g", str(INPUT_FPS), "-keyint_min", str(INPUT_FPS),
                        "-sc_threshold", "0", "-pix_fmt", "yuv420p",
                        "-c:a", "aac", "-b:a", "128k", "-f", "flv", str(partial)], check=True, timeout=300)
        partial.rename(path)
    return path


def cpu(proc: psutil.Process) -> float:
    times = proc.cpu_times()
    return times.user + times.system


@dataclass
class Watch:
    """What the 5 ms poller saw: each segment's first appearance, and the transcoder ffmpeg's CPU."""

    appeared: dict[str, float] = field(default_factory=dict)  # uri -> monotonic time first listed
    durations: dict[str, float] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    ended: bool = False
    ignore: frozenset[str] = frozenset()  # the previous stream's segments, still listed until cleared
    ffmpeg_cpu: float = 0.0
    ffmpeg_argv: list[str] = field(default_factory=list)

    def see(self, text: str, now: float) -> None:
        try:
            playlist = parse_media_playlist(text)
        except HlsError:
            return
        for segment in playlist.segments:
            if segment.uri.startswith("offline-") or segment.uri in self.appeared or segment.uri in self.ignore:
                continue
            self.appeared[segment.uri] = now
            self.durations[segment.uri] = segment.duration
            self.order.append(segment.uri)
        fresh = any(s.uri in self.appeared for s in playlist.segments)
        self.ended = self.ended or (playlist.endlist and fresh)


def listed(playlist: Path) -> frozenset[str]:
    try:
        return frozenset(s.uri for s in parse_media_playlist(playlist.read_text()).segments)
    except (FileNotFoundError, HlsError):
        return frozenset()


def watch_stream(playlist: Path, publisher: Publisher, *, parent: psutil.Process | None,
                 until_endlist: bool, tail: float) -> tuple[Watch, float]:
    """Poll ``playlist`` every 5 ms until the publisher exits and the stream is closed; returns (watch, exit time)."""
    watch, last_sig, child = Watch(ignore=publisher.old), None, None
    published_until: float | None = None
    tick = 0
    while True:
        now = time.monotonic()
        try:
            st = os.stat(playlist)
            sig = (st.st_mtime_ns, st.st_size, st.st_ino)
            if sig != last_sig:
                last_sig = sig
                watch.see(playlist.read_text(), now)
        except FileNotFoundError:
            pass
        tick += 1
        if parent is not None and tick % 4 == 0:
            try:
                if child is None:
                    for proc in parent.children():
                        argv = proc.cmdline()
                        if "-var_stream_map" in argv:
                            child, watch.ffmpeg_argv = proc, argv
                if child is not None:
                    watch.ffmpeg_cpu = cpu(child)
            except psutil.NoSuchProcess:
                pass
        if published_until is None and publisher.proc.poll() is not None:
            published_until = now
        if published_until is not None:
            if (watch.ended or not until_endlist) and now - published_until > tail:
                return watch, published_until
            if now - published_until > 20:
                raise RuntimeError(f"{playlist} did not end within 20 s of the publisher")
        time.sleep(POLL)


def latencies(watch: Watch, publisher: Publisher, media_seconds: float, published_until: float) -> list[float]:
    """Seconds from each segment's last frame being published to the segment being listed."""
    total = sum(watch.durations[u] for u in watch.order)
    skipped = max(0.0, media_seconds - total)
    out, end = [], skipped
    for uri in watch.order:
        end += watch.durations[uri]
        seen = watch.appeared[uri]
        if seen >= published_until:
            break  # closed by the end of the input
        out.append(seen - publisher.sent_at(end - 1 / INPUT_FPS))
    return out


class Publisher:
    """``ffmpeg -re -i rec.flv -c copy -f flv URL``, with its ``-progress`` read to find when media time 0 left.

    ffmpeg >= 6.1 sends the first 0.5 s at once (``-readrate_initial_burst``): set to 0 here, so every
    packet of media time t leaves at T0 + t, except after a stall (the RTMP connect), which ffmpeg
    catches up at 1.05x. So the send time of media time t is t + the smallest (arrival - out_time) of
    the progress reports for the following second: a report comes after the packet it counts was sent,
    so this is an upper bound, tight to the 20 ms report period.
    """

    def __init__(self, rec: Path, url: str, old: frozenset[str] = frozenset()) -> None:
        self.old = old
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [FFMPEG, "-hide_banner", "-loglevel", "error", "-nostats", "-progress", "pipe:1", "-stats_period", "0.02",
             "-re", "-readrate_initial_burst", "0", "-i", str(rec), "-c", "copy", "-f", "flv", url],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        self.samples: list[tuple[float, float]] = []  # (media time, monotonic arrival)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(b"out_time_us="):
                now = time.monotonic()
                try:
                    media = int(line.split(b"=", 1)[1]) / 1e6
                except ValueError:
                    continue  # N/A before the first packet
                if media > 0:
                    self.samples.append((media, now))

    def sent_at(self, media: float) -> float:
        """When the packet of media time ``media`` was sent (monotonic clock)."""
        self.reader.join(timeout=5)
        near = [arrival - m for m, arrival in self.samples if media <= m <= media + 1.0]
        if not near:
            near = [arrival - m for m, arrival in self.samples] or [self.started]
        return media + min(near)


# --- ours -----------------------------------------------------------------------------------------

class Ours:
    def __init__(self) -> None:
        self.datadir = Path(tempfile.mkdtemp(prefix="octb-", dir="/tmp"))
        d = ["--datadir", str(self.datadir)]
        subprocess.run([*OWNCAST, "migrate", *d], check=True, capture_output=True, cwd=ROOT, timeout=60)
        plugins = ["--plugins-dir", str(self.datadir)]
        self.ingest = subprocess.Popen([*OWNCAST, "ingest", *d, "--rtmpport", "0", *plugins], cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=(self.datadir / "ingest.log").open("w"))
        self.transcode = subprocess.Popen([*OWNCAST, "transcode", *d, "--ffmpeg", FFMPEG, *plugins], cwd=ROOT,
                                          stdout=subprocess.DEVNULL,
                                          stderr=(self.datadir / "transcode.log").open("w"))
        self.url = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            out = self.owncast("status", "--json")
            details = {x["name"]: x for x in json.loads(out)["daemons"]} if out else {}
            if all(details.get(n, {}).get("state") == "running" for n in ("ingest", "transcode")):
                port = details["ingest"]["detail"].split(",")[0].rsplit(":", 1)[1]
                self.url = f"rtmp://127.0.0.1:{port}/live/abc123"
                break
            time.sleep(0.1)
        else:
            self.stop()
            raise RuntimeError("ingest/transcode did not start: see " + str(self.datadir))

    def owncast(self, *args: str) -> str:
        done = subprocess.run([*OWNCAST, *args, "--datadir", str(self.datadir)], capture_output=True, text=True,
                              cwd=ROOT, timeout=60, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"owncast {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
        return done.stdout

    def stream(self, rec: Path, seconds: int, level: int) -> dict[str, object]:
        segment = (1, 2)[level]
        self.owncast("config", "set", "video_latency_level", str(level))
        # The offline clip is made once per segment length; a long-running server has it already.
        ensure_generated_clip(inspect_ffmpeg(FFMPEG, FFmpegSource.BUNDLED), self.datadir / "tmp", segment)
        me = psutil.Process(self.transcode.pid)
        playlist = self.datadir / "hls" / "0" / "stream.m3u8"
        before, publisher_t = cpu(me), time.monotonic()
        publisher = Publisher(rec, self.url, listed(playlist))
        watch, until = watch_stream(playlist, publisher, parent=me, until_endlist=True, tail=0.0)
        wall = time.monotonic() - publisher_t
        own = cpu(me) - before
        with sqlite3.connect(self.datadir / "owncast.db") as db:
            rows = db.execute("SELECT data FROM events WHERE type='transcode.health' ORDER BY id").fetchall()
        speeds = [s for r in rows if (s := json.loads(r[0]).get("speed"))]
        media = sum(watch.durations.values())
        return {"own_cpu": own, "wall": wall, "ffmpeg_cpu": watch.ffmpeg_cpu, "media": media,
                "speed": statistics.median(speeds) if speeds else None,
                "argv": watch.ffmpeg_argv, "lat": latencies(watch, publisher, seconds, until), "segment": segment}

    def stop(self) -> None:
        for proc in (self.transcode, self.ingest):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        shutil.rmtree(self.datadir, ignore_errors=True)


def standalone(argv: list[str], rec: Path, seconds: int, hls_dir: str, *, paced: bool) -> dict[str, float]:
    """The transcoder's exact argv on the recording (output to a scratch directory); exact CPU via rusage."""
    out = tempfile.mkdtemp(prefix="octs-", dir="/tmp")
    args = [a.replace(hls_dir, out) for a in argv]
    src = args.index("-i")
    args[src + 1] = str(rec)
    if paced:
        args[src:src] = ["-re"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(args, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=True, timeout=600)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    media = float(seconds)  # a file starts at its first frame (the playlist's window may not hold it all)
    shutil.rmtree(out, ignore_errors=True)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"cpu": used, "wall": wall, "media": media, "speed": media / wall}


# --- nginx-rtmp -----------------------------------------------------------------------------------

def nginx_latency(rec: Path, seconds: int, fragment: int) -> list[float] | None:
    if not shutil.which("nginx") or not Path("/usr/lib/nginx/modules/ngx_rtmp_module.so").exists():
        return None
    shutil.rmtree(NGINX_BASE, ignore_errors=True)
    for sub in ("hls", "logs", "tmp", "static"):
        (NGINX_BASE / sub).mkdir(parents=True)
    length = {1: 6, 2: 10}[fragment]  # the anchor's 1 s and main variants
    conf = (ANCHOR.read_text().replace("/tmp/rtmpbench", str(NGINX_BASE))
            .replace("127.0.0.1:19350", f"127.0.0.1:{NGINX_RTMP_PORT}")
            .replace("127.0.0.1:18080", f"127.0.0.1:{NGINX_HTTP_PORT}")
            .replace("hls_fragment 2s;", f"hls_fragment {fragment}s;")
            .replace("hls_playlist_length 10s;", f"hls_playlist_length {length}s;"))
    (NGINX_BASE / "nginx.conf").write_text(conf)
    master = subprocess.Popen(["nginx", "-p", str(NGINX_BASE), "-c", str(NGINX_BASE / "nginx.conf")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not (NGINX_BASE / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)
        publisher = Publisher(rec, f"rtmp://127.0.0.1:{NGINX_RTMP_PORT}/live/bench")
        # nginx-rtmp writes its last fragment when the publisher leaves; wait a little for it.
        watch, until = watch_stream(NGINX_BASE / "hls" / "bench.m3u8", publisher, parent=None,
                                    until_endlist=False, tail=1.5)
        return latencies(watch, publisher, seconds, until)
    finally:
        master.send_signal(signal.SIGQUIT)
        master.wait(timeout=10)


# --- report ---------------------------------------------------------------------------------------

def fmt(values: list[float]) -> str:
    if not values:
        return "no segments"
    return f"p50 {statistics.median(values) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms  (n={len(values)})"


def one_run(rec: Path, seconds: int, number: int) -> None:
    print(f"\n=== run {number}: load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} (uptime) on {os.cpu_count()} cores ===", flush=True)
    ours = Ours()
    try:
        streams = {level: ours.stream(rec, seconds, level) for level in (0, 1)}
        hls_dir = str(ours.datadir / "hls")
    finally:
        ours.stop()
    for level, s in streams.items():
        pct = s["own_cpu"] / s["wall"] * 100  # type: ignore[operator]
        print(f"(1) level {level}: owncast transcode itself {pct:5.2f} % of one core = "
              f"{s['own_cpu'] / s['wall'] * 60:.2f} CPU-s per minute of streaming (target < 2 %)")  # type: ignore[operator]
    s1 = streams[1]
    argv = s1["argv"]
    assert isinstance(argv, list) and argv, "the transcoder's ffmpeg was not seen"
    ours_per_media = s1["ffmpeg_cpu"] / s1["media"]  # type: ignore[operator]
    paced = standalone(argv, rec, seconds, hls_dir, paced=True)
    free = standalone(argv, rec, seconds, hls_dir, paced=False)
    print(f"(2) level 1 ffmpeg under owncast: {ours_per_media:.3f} CPU-s per media-s "
          f"({s1['ffmpeg_cpu']:.1f} CPU-s for {s1['media']:.1f} s), speed {s1['speed']:.2f}x (median of its -progress reports)")
    for name, r in (("standalone, -re", paced), ("standalone, unpaced", free)):
        per = r["cpu"] / r["media"]
        print(f"    same argv {name:20s}: {per:.3f} CPU-s per media-s ({r['cpu']:.1f} CPU-s for "
              f"{r['media']:.1f} s), speed {r['speed']:.2f}x; ratio ours/standalone {ours_per_media / per:.3f}"
              + ("  (target within 10 %)" if name.endswith("-re") else ""))
    for level, s in streams.items():
        seg = int(s["segment"])  # type: ignore[call-overload]
        theirs = nginx_latency(rec, seconds, seg)
        lat = s["lat"]
        assert isinstance(lat, list)
        print(f"(3) level {level} ({seg} s segments) publish->listed  ours:       {fmt(lat)}")
        if theirs is None:
            print("    nginx-rtmp: not installed (apt-get install -y nginx libnginx-mod-rtmp): no reference")
            continue
        print(f"    {'':30s}nginx-rtmp: {fmt(theirs)}")
        if lat and theirs:
            diff = statistics.median(lat) - statistics.median(theirs)
            print(f"    p50 ours - nginx-rtmp = {diff * 1000:+.0f} ms = {diff / seg:+.2f} segment lengths; "
                  f"ratio {statistics.median(lat) / statistics.median(theirs):.2f} (target: within one segment)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    rec = recording(args.seconds)
    print(f"input: {rec} (1280x720 {INPUT_FPS} fps, 4.8 Mbit/s, 1 s GOP, {args.seconds} s); ffmpeg {FFMPEG}")
    for number in range(1, args.runs + 1):
        one_run(rec, args.seconds, number)


if __name__ == "__main__":
    main()
