"""Mutated ffmpeg sessions against the real ingest daemon: each ends its connection, ingest lives on."""

from __future__ import annotations

import random

import trio

from tests.conftest import RunningServer
from tests.ingest.live import next_event, watch
from tests.ingest.test_ingest_e2e import publish_test
from tests.protocols.rtmp_mutations import random_case

CASES = 60


async def play(port: int, data: bytes, pieces: list[int]) -> None:
    """Send a case as TCP segments, then EOF; return once the server has closed its side."""
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    async with stream:
        async with trio.open_nursery() as nursery:

            async def drain() -> None:
                try:
                    while await stream.receive_some(65536):
                        pass
                except trio.BrokenResourceError:
                    pass

            nursery.start_soon(drain)
            offset = 0
            try:
                for size in [*pieces, len(data)]:
                    await stream.send_all(data[offset : offset + size])
                    offset += size
                await stream.send_eof()
            except trio.BrokenResourceError:
                pass  # the server closed first: a protocol error ended this case


async def test_mutated_sessions_end_their_connections_and_a_publish_works_after(server: RunningServer) -> None:
    rng = random.Random(10)
    cases = [random_case(rng) for _ in range(CASES)]
    port = server.rtmp_port
    with trio.fail_after(60):
        async with trio.open_nursery() as nursery:
            limiter = trio.CapacityLimiter(8)

            async def one(data: bytes, pieces: list[int]) -> None:
                async with limiter:
                    await play(port, data, pieces)

            for data, pieces, _ in cases:
                nursery.start_soon(one, data, pieces)
    # Every connection ended (play returned for each); ingest never crashed or restarted.
    ingest = {d["name"]: d for d in server.status()["daemons"]}["ingest"]
    assert ingest["state"] == "running" and ingest["restarts"] == 0
    log = server.log.read_text()
    assert "crashed" not in log and "Traceback" not in log
    assert "RTMP protocol error" in log  # the garbage was seen as such
    # A normal publish right after (the fuzz cases replay 96x64 recordings; this one is 320x240).
    async with watch(server.datadir, "stream.started") as events:
        proc = publish_test(server, "--duration", "2", "--size", "320x240")
        while (await next_event(events)).data["streamDetails"]["width"] != 320:
            pass
        assert await trio.to_thread.run_sync(proc.wait) == 0
