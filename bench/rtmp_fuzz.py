"""Long RTMP fuzz run: mutated ffmpeg publish sessions against the sans-IO server, for N seconds.

The CI test (tests/protocols/test_rtmp_fuzz.py) runs a few hundred Hypothesis examples; this runs
the same mutations (recorded sessions, absurd chunk sizes, extended timestamps, unknown message
types, flipped/inserted/deleted bytes) drawn from a seeded RNG for as long as asked, and reports
cases/s, how cases ended, the most bytes one connection held, and any exception other than
RTMPProtocolError with the seed and case number to replay it.

    python bench/rtmp_fuzz.py --seconds 300 [--seed 1]
    python bench/rtmp_fuzz.py --record tests/protocols/data/ffmpeg9-publish.rtmp [--ffmpeg PATH]
"""

from __future__ import annotations

import argparse
import collections
import random
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from owncast_cli.protocols.rtmp import PublishRequested, RTMPServerConnection  # noqa: E402
from tests.protocols.rtmp_mutations import SETUP_BOUND, random_case, run_case  # noqa: E402


def fuzz(seconds: float, seed: int) -> int:
    rng = random.Random(seed)
    ends: collections.Counter[str] = collections.Counter()
    failures = 0
    max_setup_held = max_held = cases = 0
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        data, pieces, accept = random_case(rng)
        cases += 1
        try:
            outcome = run_case(data, pieces, accept)
        except Exception:  # noqa: BLE001 - reporting every finding is the point
            failures += 1
            print(f"FINDING in case {cases} (seed {seed}):", file=sys.stderr)
            traceback.print_exc()
            continue
        # Group protocol errors by their message without the numbers.
        ends[re.sub(r"\d+", "N", outcome.error) or "no error"] += 1
        max_held = max(max_held, outcome.max_held)
        if not outcome.published:
            max_setup_held = max(max_setup_held, outcome.max_held)
    elapsed = time.monotonic() - started
    print(f"{cases} cases in {elapsed:.0f} s ({cases / elapsed:.0f}/s), {failures} findings")
    print(f"most held by one connection: {max_held} bytes; before a publish: {max_setup_held} "
          f"(bound {SETUP_BOUND})")
    for reason, count in ends.most_common(15):
        print(f"{count:8d}  {reason}")
    return 1 if failures else 0


def record(path: Path, ffmpeg: str) -> None:
    """Every byte ffmpeg sends publishing one second of tiny H.264 + AAC to live/abc123."""
    import trio

    got = bytearray()

    async def handle(stream: trio.SocketStream) -> None:
        conn = RTMPServerConnection()
        while data := await stream.receive_some(65536):
            got.extend(data)
            conn.receive_data(data)
            for event in conn.events():
                if isinstance(event, PublishRequested):
                    conn.accept_publish()
            await stream.send_all(conn.data_to_send())

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            listeners = await nursery.start(trio.serve_tcp, handle, 0)
            port = listeners[0].socket.getsockname()[1]
            await trio.run_process([
                ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc2=size=96x64:rate=10", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050",
                "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-g", "5", "-b:v", "40k",
                "-c:a", "aac", "-b:a", "24k", "-f", "flv", f"rtmp://127.0.0.1:{port}/live/abc123"])
            nursery.cancel_scope.cancel()

    trio.run(main)
    path.write_bytes(bytes(got))
    print(f"recorded {len(got)} bytes to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--record", type=Path, help="record a new session fixture here instead")
    parser.add_argument("--ffmpeg", default="", help="the ffmpeg to record with (default: the bundled one)")
    args = parser.parse_args()
    if args.record:
        import imageio_ffmpeg

        record(args.record, args.ffmpeg or imageio_ffmpeg.get_ffmpeg_exe())
        return
    sys.exit(fuzz(args.seconds, args.seed))


if __name__ == "__main__":
    main()
