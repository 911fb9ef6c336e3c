"""``owncast notify``: the notify daemon, and a test of its go-live channels."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import daemon_options, data_options, json_option
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.settings import Settings


@click.group("notify", invoke_without_command=True,
             help=DAEMONS["notify"].help + " Without a subcommand, runs the notify daemon alone (one "
             "systemd unit); needs `owncast migrate` first.")
@daemon_options
@click.pass_context
def notify_command(ctx: click.Context, settings: Settings, persisted: dict[str, Any],
                   restore_database: Path | None) -> None:
    if ctx.invoked_subcommand is None:
        from owncast_cli.commands.daemons import _run

        _run(settings, persisted, restore_database, ["notify"], migrate=False)


@notify_command.command("test")
@data_options
@json_option
def test_command(settings: Settings, as_json: bool) -> None:
    """Send a test message through every configured channel now and print what each answered
    (exit 1 when none is configured or one failed)."""
    import trio

    from owncast_cli.config import ConfigStore
    from owncast_cli.notify.channels import TEST, Occasion, configured
    from owncast_cli.notify.notices import send_all
    from owncast_cli.outbound.client import allowed_hosts, outbound_client

    db = open_db(settings)
    config = ConfigStore(db).values()
    channels = configured(config, db)
    occasion = Occasion(TEST, config.server_name, config.server_url, config.stream_title,
                        f"This is a test notification from {config.server_name}.")

    async def send() -> dict[str, Any]:
        async with outbound_client(allowed_hosts(config)) as client:
            return await send_all(channels, client, occasion)

    answers = trio.run(send)
    if as_json:
        click.echo(json.dumps(answers, indent=2))
    else:
        for name, answer in answers.items():
            click.echo(f"{name}\t{answer}")
    if not channels:
        click.echo("no notification channel is configured (discord_configuration, notifications_apprise_urls, "
                   "browser_push_configuration)", err=True)
    sys.exit(0 if channels and all(_ok(a) for a in answers.values()) else 1)


def _ok(answer: Any) -> bool:
    return answer == "sent" or (isinstance(answer, int) and 200 <= answer < 300) or \
        (isinstance(answer, dict) and not answer.get("failed"))
