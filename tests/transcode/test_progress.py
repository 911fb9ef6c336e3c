"""ffmpeg -progress blocks: a captured run, split anywhere, and values ffmpeg marks N/A."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.transcode.progress import Progress, ProgressParser, parse_progress, progress_from_fields

# Two captures from the bundled ffmpeg n9.0.2: a block of the HLS transcoder running at
# -readrate 2 (the hls muxer reports no size or bitrate), then the last block of an MPEG-TS run.
CAPTURED = """\
frame=27
fps=27.00
stream_0_0_q=10.0
bitrate=N/A
total_size=N/A
out_time_us=2531000
out_time_ms=2531000
out_time=00:00:02.531000
dup_frames=1
drop_frames=0
speed=2.53x
progress=continue
frame=120
fps=0.00
stream_0_0_q=-1.0
bitrate= 345.1kbits/s
total_size=174276
out_time_us=4040000
out_time_ms=4040000
out_time=00:00:04.040000
dup_frames=0
drop_frames=0
speed=41.9x
progress=end
"""


def test_captured_run() -> None:
    first, last = parse_progress(CAPTURED)
    assert (first.frame, first.fps, first.bitrate_kbps, first.total_size, first.out_time_us, first.speed,
            first.dup_frames, first.drop_frames, first.ended) == (27, 27.0, None, None, 2531000, 2.53, 1, 0, False)
    assert (last.frame, last.fps, last.bitrate_kbps, last.total_size, last.out_time_us, last.speed, last.dup_frames,
            last.ended) == (120, 0.0, 345.1, 174276, 4040000, 41.9, 0, True)
    assert last.fields["stream_0_0_q"] == "-1.0"


@given(st.lists(st.integers(0, len(CAPTURED)), max_size=8))
def test_split_anywhere_gives_the_same_reports(cuts: list[int]) -> None:
    data = CAPTURED.encode()
    parser = ProgressParser()
    reports = []
    edges = [0, *sorted(cuts), len(data)]
    for start, end in zip(edges, edges[1:]):
        reports += parser.feed(data[start:end])
    assert reports == parse_progress(CAPTURED)


def test_odd_values_become_none() -> None:
    assert progress_from_fields({"frame": "x", "speed": "N/A", "fps": "", "progress": "continue"}) == Progress(
        fields={"frame": "x", "speed": "N/A", "fps": "", "progress": "continue"})
    # Old ffmpeg: only the misnamed out_time_ms (it holds microseconds).
    assert progress_from_fields({"out_time_ms": "1500000"}).out_time_us == 1_500_000


def test_incomplete_block_waits_and_foreign_lines_are_ignored() -> None:
    parser = ProgressParser()
    assert parser.feed(b"frame=1\nnot a key value line\r\nfps=30.0\r\nprogr") == []
    [report] = parser.feed(b"ess=continue\n")
    assert (report.frame, report.fps, report.ended) == (1, 30.0, False)
