"""The ``owncast`` command: a click group whose subcommands are imported only when used."""

from __future__ import annotations

import importlib
from typing import Any

import rich_click as click

from owncast_cli import __version__

#: command name -> "module:function". ``def run_all_command()`` becomes ``run-all``.
COMMANDS: dict[str, str] = {
    "run-all": "owncast_cli.commands.daemons:run_all_command",
    "serve": "owncast_cli.commands.daemons:serve_command",
    "ingest": "owncast_cli.commands.daemons:ingest_command",
    "transcode": "owncast_cli.commands.daemons:transcode_command",
    "probe": "owncast_cli.commands.probe_cmd:probe_command",
    "chat": "owncast_cli.commands.chat_cmd:chat_command",
    "notify": "owncast_cli.commands.notify_cmd:notify_command",
    "webhooks": "owncast_cli.commands.webhooks_cmd:webhooks_command",
    "federate": "owncast_cli.commands.federate_cmd:federate_command",
    "followers": "owncast_cli.commands.federate_cmd:followers_command",
    "publish-test": "owncast_cli.commands.publish_test:publish_test_command",
    "migrate": "owncast_cli.commands.daemons:migrate_command",
    "config": "owncast_cli.commands.config_cmd:config_command",
    "keys": "owncast_cli.commands.keys_cmd:keys_command",
    "schedule": "owncast_cli.commands.schedule_cmd:schedule_command",
    "events": "owncast_cli.commands.events_cmd:events_command",
    "status": "owncast_cli.commands.status_cmd:status_command",
    "backup": "owncast_cli.commands.backup_cmd:backup_command",
    "restore": "owncast_cli.commands.backup_cmd:restore_command",
    "doctor": "owncast_cli.commands.doctor_cmd:doctor_command",
}


class LazyGroup(click.RichGroup):
    """click's lazy-loading pattern: `owncast config --help` does not import quart or trio."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attr = target.partition(":")
        command: Any = getattr(importlib.import_module(module), attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="owncast")
def cli() -> None:
    """Self-hosted live streaming with chat: an Owncast-compatible server as trio daemons.

    Run everything with `owncast run-all`, or each daemon as its own systemd unit.
    """


def main() -> None:
    cli(prog_name="owncast")
