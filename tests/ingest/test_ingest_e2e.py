"""The ingest daemon with real publishers: ffmpeg and our own RTMP client over TCP."""

from __future__ import annotations

import os
import random
import signal
import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
import trio

from owncast_cli.media.probe import probe_media
from tests.conftest import OWNCAST, ROOT, RunningServer, owncast
from tests.ingest.conftest import without_transcoder
from tests.ingest.live import next_event, publisher, read_flv, tags, watch

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def publish_test(server: RunningServer, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*OWNCAST, "publish-test", "--datadir", str(server.datadir), *args],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def test_ffmpeg_publish_reaches_the_transcoder_socket(server: RunningServer) -> None:
    received: list[bytes] = []
    async with watch(server.datadir, "stream.started", "stream.stopped") as events:
        async with trio.open_nursery() as nursery:
            await nursery.start(read_flv, server.datadir / "run" / "ingest.sock", received)
            proc = publish_test(server, "--duration", "3", "--size", "1280x720", "--fps", "30")
            started = await next_event(events)
            assert started.type == "stream.started"
            details = started.data["streamDetails"]
            assert (details["width"], details["height"], details["framerate"]) == (1280, 720, 30)
            assert (details["videoCodec"], details["audioCodec"]) == ("H.264", "AAC")
            assert details["encoder"].startswith("Lavf") and started.data["remoteAddr"].startswith("127.0.0.1")
            assert server.status()["stream"]["online"] is True
            stopped = await next_event(events)
            assert stopped.type == "stream.stopped" and stopped.data["streamId"] == started.data["streamId"]
            assert await trio.to_thread.run_sync(proc.wait) == 0
    flv = server.datadir / "got.flv"
    flv.write_bytes(b"".join(received))
    info = probe_media(FFMPEG, flv)
    kinds = {s["type"]: s for s in info["streams"]}
    assert kinds["video"]["codec"] == "h264" and (kinds["video"]["width"], kinds["video"]["height"]) == (1280, 720)
    assert kinds["audio"]["codec"] == "aac"
    assert info["duration"] and info["duration"] > 2.5
    assert server.status()["stream"]["online"] is False


def test_wrong_key_is_refused_and_logged_without_the_key(server: RunningServer) -> None:
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/Wr0ngSecretKey"
    result = subprocess.run([*OWNCAST, "publish-test", "--url", url, "--duration", "2", "--size", "320x240"],
                            cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    log = server.log.read_text()
    assert "refused a publish from 127.0.0.1" in log and "matches no configured key" in log
    assert "Wr0ngSecretKey" not in log


async def test_wrong_key_gets_badname_from_our_client(server: RunningServer) -> None:
    async with publisher(server.rtmp_port, "nope") as live:
        assert live.refused and not live.client.publishing
        assert live.client.statuses[-1]["code"] == "NetStream.Publish.BadName"


@pytest.fixture
def no_grace(datadir: Path):
    owncast("migrate", datadir=datadir, check=True)
    owncast("config", "set", "stream_takeover_grace_seconds", "0", datadir=datadir, check=True)
    yield from without_transcoder(datadir)


AVC_CONFIG = b"\x17\x00\x00\x00\x00\x01\x64\x00\x1f\xff\xe1"
AAC_CONFIG = b"\xaf\x00\x11\x90"


async def start_media(live) -> None:
    await live.send("video", 0, AVC_CONFIG)
    await live.send("audio", 0, AAC_CONFIG)
    await live.send("video", 0, b"\x17\x01\x00\x00\x00" + b"K" * 500)


async def test_a_new_publisher_takes_over_and_the_stream_restarts_on_the_bus(no_grace) -> None:
    """The announced path of a takeover, over real sockets and the real bus. The grace timing
    itself (refused within it, taken over at its end) runs on MockClock in test_takeover.py."""
    server = no_grace
    async with watch(server.datadir, "stream.started", "stream.stopped") as events:
        async with publisher(server.rtmp_port) as first:
            assert first.client.publishing
            await start_media(first)
            first_started = await next_event(events)
            async with publisher(server.rtmp_port) as second:
                assert second.client.publishing and not second.refused
                await start_media(second)
                stopped = await next_event(events)
                assert stopped.type == "stream.stopped"
                assert stopped.data == {"streamId": first_started.data["streamId"],
                                        "reason": "replaced by a new publisher"}
                started = await next_event(events)
                assert started.type == "stream.started" and started.data["streamId"] != stopped.data["streamId"]
    assert "takes over from 127.0.0.1:" in server.log.read_text()


async def test_sigkilled_publisher_stops_the_stream(server: RunningServer) -> None:
    async with watch(server.datadir, "stream.started", "stream.stopped") as events:
        proc = publish_test(server, "--size", "320x240", "--duration", "60")
        try:
            assert (await next_event(events)).type == "stream.started"
            # publish-test runs ffmpeg as a child: kill the encoder itself, as a crash would.
            children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            for pid in children:
                os.kill(int(pid), signal.SIGKILL)
            stopped = await next_event(events, timeout=12)
            assert stopped.type == "stream.stopped"
        finally:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("drop,present", [("-an", "video"), ("-vn", "audio")])
async def test_video_only_and_audio_only_streams(server: RunningServer, drop: str, present: str) -> None:
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/abc123"
    inputs = ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine"]
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-re", *inputs, "-t", "2", drop,
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-c:a", "aac", "-f", "flv", url]
    received: list[bytes] = []
    async with watch(server.datadir, "stream.started") as events:
        async with trio.open_nursery() as nursery:
            await nursery.start(read_flv, server.datadir / "run" / "ingest.sock", received)
            result = await trio.run_process(argv, capture_stderr=True, check=False)
            assert result.returncode == 0, result.stderr
            started = await next_event(events)
    assert started.data["hasVideo"] is (present == "video")
    assert started.data["hasAudio"] is (present == "audio")
    flv = server.datadir / "got.flv"
    flv.write_bytes(b"".join(received))
    info = probe_media(FFMPEG, flv)
    assert [s["type"] for s in info["streams"]] == [present]


@pytest.mark.parametrize("chunk_size", [128, 4096])
async def test_20_mbit_per_second_arrives_without_loss_or_drift(server: RunningServer, chunk_size: int) -> None:
    rng = random.Random(chunk_size)
    fps, seconds, bitrate = 30, 2, 20_000_000
    frame_bytes = bitrate // 8 // fps
    sent: list[tuple[int, int, bytes]] = []
    received: list[bytes] = []
    async with trio.open_nursery() as nursery:
        await nursery.start(read_flv, server.datadir / "run" / "ingest.sock", received)
        async with publisher(server.rtmp_port, chunk_size=chunk_size) as live:
            live.client.send_metadata({"videocodecid": 7.0, "audiocodecid": 10.0, "width": 1920.0, "height": 1080.0})
            await live.flush()
            await live.send("video", 0, AVC_CONFIG)
            await live.send("audio", 0, AAC_CONFIG)
            start = trio.current_time()
            for i in range(fps * seconds):
                ts = i * 1000 // fps
                await trio.sleep_until(start + ts / 1000)  # real time: 20 Mbit/s, not faster
                video = bytes((0x17 if i % fps == 0 else 0x27, 1, 0, 0, 0)) + rng.randbytes(frame_bytes)
                audio = b"\xaf\x01" + rng.randbytes(400)
                await live.send("video", ts, video)
                await live.send("audio", ts, audio)
                sent += [(9, ts, video), (8, ts, audio)]
            live.client.unpublish()
            await live.flush()
        # read_flv returns when the relay closes the reader (EOF): the stream has ended.
    got = [(t.tag_type, t.timestamp, t.body) for t in tags(b"".join(received))]
    media = [g for g in got if g[0] in (8, 9) and g[2] not in (AVC_CONFIG, AAC_CONFIG)]
    assert media == sent  # every byte, every timestamp, in order


async def test_garbage_ends_only_that_connection(server: RunningServer) -> None:
    received: list[bytes] = []
    async with trio.open_nursery() as nursery:
        await nursery.start(read_flv, server.datadir / "run" / "ingest.sock", received)
        async with publisher(server.rtmp_port) as live:
            await start_media(live)
            garbage = await trio.open_tcp_stream("127.0.0.1", server.rtmp_port)
            with trio.fail_after(5):
                await garbage.send_all(b"\x03" + random.Random(7).randbytes(1536 * 2) + b"\xff" * 4096)
                try:
                    while await garbage.receive_some(65536):
                        pass  # the server answers the handshake, then closes on the garbage
                except trio.BrokenResourceError:
                    pass
            await garbage.aclose()
            await live.send("video", 40, b"\x27\x01\x00\x00\x00" + b"P" * 100)  # still live
            live.client.unpublish()
            await live.flush()
    assert [t.timestamp for t in tags(b"".join(received)) if t.tag_type == 9][-1] == 40
    assert "RTMP protocol error" in server.log.read_text()


@pytest.mark.parametrize("encoder,codec,probed", [("libx265", "H.265", "hevc"), ("libsvtav1", "AV1", "av1")])
async def test_enhanced_rtmp_hevc_and_av1_pass_through(server: RunningServer, encoder: str, codec: str,
                                                       probed: str) -> None:
    """OBS 30+ sends HEVC and AV1 with Enhanced RTMP FourCC tags; Owncast fails on them (#2602)."""
    url = f"rtmp://127.0.0.1:{server.rtmp_port}/live/abc123"
    argv = [FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
            "testsrc2=size=320x240:rate=25", "-t", "2", "-c:v", encoder, "-g", "25", "-pix_fmt", "yuv420p",
            "-an", "-f", "flv", url]
    if encoder == "libx265":
        argv[argv.index("-g"):argv.index("-g")] = ["-preset", "ultrafast", "-x265-params", "log-level=error"]
    else:
        argv[argv.index("-g"):argv.index("-g")] = ["-preset", "12"]
    received: list[bytes] = []
    async with watch(server.datadir, "stream.started") as events:
        async with trio.open_nursery() as nursery:
            await nursery.start(read_flv, server.datadir / "run" / "ingest.sock", received)
            result = await trio.run_process(argv, capture_stderr=True, check=False)
            assert result.returncode == 0, result.stderr
            started = await next_event(events)
    assert started.data["streamDetails"]["videoCodec"] == codec
    flv = server.datadir / "got.flv"
    flv.write_bytes(b"".join(received))
    info = probe_media(FFMPEG, flv)
    assert [(s["type"], s["codec"]) for s in info["streams"]] == [("video", probed)]
    assert (info["streams"][0]["width"], info["streams"][0]["height"]) == (320, 240)
