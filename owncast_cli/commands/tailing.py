"""Printing bus events as lines until a count, Ctrl-C, or the reader of stdout going away."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from owncast_cli.settings import Settings

if TYPE_CHECKING:
    from owncast_cli.bus.bus import TypeFilter


async def _exit_when_reader_leaves(scope: Any) -> None:
    """While no event comes, a closed pipe would go unnoticed: poll stdout for POLLERR."""
    import trio

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (embedded use): nothing to watch
    poller = select.poll()
    poller.register(fd, 0)  # mask 0: report only errors and hang-ups
    while True:
        await trio.sleep(0.2)
        if poller.poll(0):
            scope.cancel()
            return


def tail(settings: Settings, db: Any, line: Callable[[Any], str], *, since: int | None = None,
         types: TypeFilter | None = None, count: int | None = None, banner: str | None = None) -> None:
    """Print ``line(event)`` for each event; exits cleanly on ``| head`` and on Ctrl-C."""
    import trio

    from owncast_cli.bus import open_bus

    async def print_events() -> None:
        async with open_bus(db, settings.run_dir, "cli") as bus:
            async with bus.subscribe(since=since, types=types) as sub:
                if banner:
                    print(banner, file=sys.stderr)
                seen = 0
                async for event in sub:
                    sys.stdout.write(line(event) + "\n")
                    sys.stdout.flush()
                    seen += 1
                    if count is not None and seen >= count:
                        return

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_exit_when_reader_leaves, nursery.cancel_scope)
            await print_events()
            nursery.cancel_scope.cancel()

    try:
        try:
            trio.run(main)
        except* BrokenPipeError:
            # The reader went away (`| head`): a normal end, however trio's task groups wrapped
            # it. Point stdout at /dev/null so the interpreter's final flush does not raise again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except* KeyboardInterrupt:
            pass
    finally:
        db.close()
