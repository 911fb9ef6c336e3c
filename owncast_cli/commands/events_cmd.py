"""``owncast events tail``: the bus as JSON lines, for scripts and debugging."""

from __future__ import annotations

import json
import os
import sys

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import data_options, json_option
from owncast_cli.settings import Settings


async def _exit_when_reader_leaves(scope: object) -> None:
    """While no event comes, a closed pipe would go unnoticed: poll stdout for POLLERR."""
    import select

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
            scope.cancel()  # type: ignore[attr-defined]
            return


@click.group("events")
def events_command() -> None:
    """Watch the event bus."""


@events_command.command("tail")
@data_options
@json_option
@click.option("--since", type=int, default=None, help="Start after this event id (0: from the oldest kept).")
@click.option("--type", "types", multiple=True, help="Only events of this type (repeatable).")
@click.option("--count", type=click.IntRange(1), default=None, help="Exit after this many events.")
def tail_command(settings: Settings, as_json: bool, since: int | None, types: tuple[str, ...],
                 count: int | None) -> None:
    """Print events as they are published, one per line (JSON lines with --json), until Ctrl-C."""
    import trio

    from owncast_cli.bus import open_bus

    db = open_db(settings)

    def line(event: object) -> str:
        if as_json:
            return event.to_json()  # type: ignore[attr-defined]
        e = event  # a compact, still machine-splittable line: id, type, source, data as JSON
        return f"{e.id}\t{e.type}\t{e.source}\t{json.dumps(e.data, separators=(',', ':'))}"  # type: ignore[attr-defined]

    async def print_events() -> None:
        async with open_bus(db, settings.run_dir, "cli") as bus:
            async with bus.subscribe(since=since, types=types or None) as sub:
                seen = 0
                async for event in sub:
                    sys.stdout.write(line(event) + "\n")
                    sys.stdout.flush()
                    seen += 1
                    if count is not None and seen >= count:
                        return

    async def tail() -> None:
        async with trio.open_nursery() as nursery:
            nursery.start_soon(_exit_when_reader_leaves, nursery.cancel_scope)
            await print_events()
            nursery.cancel_scope.cancel()

    try:
        try:
            trio.run(tail)
        except* BrokenPipeError:
            # The reader went away (`| head`): a normal end, however trio's task groups wrapped
            # it. Point stdout at /dev/null so the interpreter's final flush does not raise again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except* KeyboardInterrupt:
            pass
    finally:
        db.close()
