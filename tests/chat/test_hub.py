"""The hub: one frame per text given (a newline-batched text stays one frame), slow clients cut off."""

from __future__ import annotations

import trio

from owncast_cli.chat.hub import Hub, write_frames


async def test_a_queued_connection_sends_the_frames_a_direct_one_would() -> None:
    # Batching is decided where events are committed (outbox.py), not by how far behind a
    # connection's writer is: the frames are the same whatever the transport.
    hub = Hub()
    client = hub.add("u1", ip="127.0.0.1", user_agent="t", now=0)
    frames: list[str] = []
    for text in ('{"a":1}', '{"b":2}\n{"c":3}', '{"d":4}'):
        hub.broadcast(text)
    hub.remove(client)  # closes the queue: the writer sends what is queued, then ends
    with trio.fail_after(2):
        await write_frames(client, lambda frame: _append(frames, frame))
    assert frames == ['{"a":1}', '{"b":2}\n{"c":3}', '{"d":4}']


async def _append(frames: list[str], frame: str) -> None:
    frames.append(frame)


async def test_slow_client_is_disconnected_and_others_get_everything() -> None:
    hub = Hub(queue_size=4)
    fast = hub.add("fast", ip="127.0.0.1", user_agent="t", now=0)
    slow = hub.add("slow", ip="127.0.0.1", user_agent="t", now=0)
    received: list[str] = []
    stuck = trio.Event()

    async def never_done(frame: str) -> None:
        await stuck.wait()  # a peer that stopped reading: the send never completes

    with trio.fail_after(2):
        async with trio.open_nursery() as nursery:
            nursery.start_soon(write_frames, fast, lambda f: _append(received, f))
            nursery.start_soon(write_frames, slow, never_done)
            for i in range(20):
                hub.broadcast(str(i))
                await trio.sleep(0)  # let the writers run, as between real messages
            assert slow.close_reason == "too slow" and slow.scope.cancel_called
            assert fast.close_reason is None
            hub.remove(fast)
            hub.remove(slow)
            stuck.set()
    assert "\n".join(received).split("\n") == [str(i) for i in range(20)]


async def test_last_connection_of_a_user() -> None:
    hub = Hub()
    first = hub.add("u", ip="::1", user_agent="t", now=0)
    second = hub.add("u", ip="::1", user_agent="t", now=0)
    assert len(hub) == 2 and set(hub.user_clients("u")) == {first, second}
    assert hub.remove(first) is False
    assert hub.remove(second) is True
    assert hub.user_clients("u") == []
