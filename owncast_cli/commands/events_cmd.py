"""``owncast events tail``: the bus as JSON lines, for scripts and debugging."""

from __future__ import annotations

import json
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import data_options, json_option
from owncast_cli.settings import Settings


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
    from owncast_cli.commands.tailing import tail

    def line(event: Any) -> str:
        if as_json:
            return event.to_json()
        # A compact, still machine-splittable line: id, type, source, data as JSON.
        return f"{event.id}\t{event.type}\t{event.source}\t{json.dumps(event.data, separators=(',', ':'))}"

    tail(settings, open_db(settings), line, since=since, types=types or None, count=count)
