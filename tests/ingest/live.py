"""Test helpers: our RTMP client over real TCP, an FLV reader of run/ingest.sock, bus waits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import trio

from owncast_cli.bus import Event, open_bus
from owncast_cli.db import open_database
from owncast_cli.protocols.flv import FLVReader, FLVTag
from owncast_cli.protocols.rtmp import RTMPPublishClient


class LivePublisher:
    def __init__(self, stream: trio.SocketStream, client: RTMPPublishClient) -> None:
        self.stream, self.client = stream, client

    @property
    def refused(self) -> bool:
        return any(s.get("level") == "error" for s in self.client.statuses)

    async def flush(self) -> None:
        data = self.client.data_to_send()
        if data:
            await self.stream.send_all(data)

    async def negotiate(self) -> None:
        with trio.fail_after(5):
            await self.flush()
            while not self.client.publishing and not self.refused:
                data = await self.stream.receive_some(65536)
                if not data:
                    return
                self.client.receive_data(data)
                await self.flush()

    async def send(self, kind: str, timestamp: int, body: bytes) -> None:
        getattr(self.client, f"send_{kind}")(timestamp, body)
        await self.flush()

    async def aclose(self) -> None:
        await self.stream.aclose()


@asynccontextmanager
async def publisher(port: int, key: str = "abc123", *, chunk_size: int = 4096) -> AsyncIterator[LivePublisher]:
    stream = await trio.open_tcp_stream("127.0.0.1", port)
    live = LivePublisher(stream, RTMPPublishClient("live", key, chunk_size=chunk_size))
    try:
        await live.negotiate()
        yield live
    finally:
        await live.aclose()


async def read_flv(sock: Path, into: list[bytes], *, task_status: Any = trio.TASK_STATUS_IGNORED) -> None:
    """Read the relay until EOF (the stream ended)."""
    stream = await trio.open_unix_socket(str(sock))
    task_status.started()
    async with stream:
        while data := await stream.receive_some(1 << 20):
            into.append(data)


def tags(data: bytes) -> list[FLVTag]:
    reader = FLVReader()
    reader.receive_data(data)
    out = []
    while (item := reader.next_item()) is not None:
        if isinstance(item, FLVTag):
            out.append(item)
    return out


@asynccontextmanager
async def watch(datadir: Path, *types: str) -> AsyncIterator[Any]:
    """Subscribe to the real bus of a running server, from its first event."""
    db = open_database(datadir / "owncast.db")
    async with open_bus(db, datadir / "run", "test") as bus:
        async with bus.subscribe(since=0, types=types or None) as sub:
            yield sub
    db.close()


async def next_event(sub: Any, timeout: float = 15) -> Event:
    with trio.fail_after(timeout):
        return await sub.__anext__()
