"""Benchmark: how many Mbit/s of an RTMP publish stream the sans-IO server parses on one core."""

from __future__ import annotations

import argparse
import random
import time

from owncast_cli.protocols.flv import flv_tag
from owncast_cli.protocols.rtmp import (
    AudioReceived,
    PublishRequested,
    RTMPPublishClient,
    RTMPServerConnection,
    VideoReceived,
)

FPS = 30
AUDIO_RATE = 44100 / 1024  # AAC frames per second
AUDIO_BITRATE = 128_000
READ_SIZE = 65536  # what a socket read would hand over


def publish_stream(video_bitrate: int, chunk_size: int, seconds: float, seed: int = 1) -> bytes:
    """Every byte a publisher sends: handshake, commands, then `seconds` of media."""
    rng = random.Random(seed)
    client = RTMPPublishClient("live", "bench", chunk_size=chunk_size, ffmpeg_csids=True,
                               random_bytes=rng.randbytes)
    server = RTMPServerConnection(random_bytes=rng.randbytes)
    out = bytearray()
    while not client.publishing:
        data = client.data_to_send()
        out += data
        server.receive_data(data)
        for event in server.events():
            if isinstance(event, PublishRequested):
                server.accept_publish()
        client.receive_data(server.data_to_send())
    pool = rng.randbytes(1 << 20)
    frame = video_bitrate / 8 / FPS
    audio_frame = int(AUDIO_BITRATE / 8 / AUDIO_RATE)
    client.send_metadata({"videocodecid": 7.0, "audiocodecid": 10.0, "framerate": float(FPS)})
    next_audio = 0.0
    for i in range(int(seconds * FPS)):
        t = i * 1000 / FPS
        while next_audio <= t:
            start = rng.randrange(len(pool) - audio_frame)
            client.send_audio(int(next_audio), b"\xaf\x01" + pool[start : start + audio_frame])
            next_audio += 1000 / AUDIO_RATE
        key = i % (2 * FPS) == 0
        # Keyframes every 2 s, about 6x an inter frame, so the average stays `frame`.
        size = int(frame * (6 if key else 1) * (2 * FPS) / (2 * FPS + 5) * rng.uniform(0.8, 1.2))
        start = rng.randrange(len(pool) - size)
        header = bytes((0x17 if key else 0x27, 1, 0, 0, 0))
        client.send_video(int(t), header + pool[start : start + size])
        out += client.data_to_send()
    return bytes(out)


def parse(stream: bytes, *, mux: bool = False) -> tuple[float, int]:
    """Time one server connection over the stream; returns (seconds, media events)."""
    server = RTMPServerConnection()
    media = 0
    started = time.perf_counter()
    for offset in range(0, len(stream), READ_SIZE):
        server.receive_data(stream[offset : offset + READ_SIZE])
        for event in server.events():
            if isinstance(event, (AudioReceived, VideoReceived)):
                media += 1
                if mux:
                    flv_tag(8 if isinstance(event, AudioReceived) else 9, event.timestamp,
                            event.payload)
            elif isinstance(event, PublishRequested):
                server.accept_publish()
        server.data_to_send()
    return time.perf_counter() - started, media


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="stream length")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs")
    parser.add_argument("--mux", action="store_true", help="also build FLV tags")
    args = parser.parse_args()
    print(f"{'stream':>10} {'chunk':>6} {'MB':>7} {'media msgs':>10} {'parse Mbit/s':>13}")
    for bitrate in (5_000_000, 20_000_000):
        for chunk_size in (128, 4096):
            stream = publish_stream(bitrate, chunk_size, args.seconds)
            best, media = min(parse(stream, mux=args.mux) for _ in range(args.repeat))
            mbits = len(stream) * 8 / best / 1e6
            print(f"{bitrate // 1_000_000:>6} Mb/s {chunk_size:>6} {len(stream) / 1e6:>7.1f} "
                  f"{media:>10} {mbits:>13.0f}")


if __name__ == "__main__":
    main()
