"""``owncast keys``: list, add and remove stream keys."""

from __future__ import annotations

import json
import secrets

import rich_click as click

from owncast_cli.commands.common import open_db, write_and_push
from owncast_cli.commands.options import EXIT_USAGE, data_options, fail, json_option
from owncast_cli.settings import Settings

#: 24 random bytes as URL-safe base64: 32 characters, well over the 30 asked of generated keys.
KEY_BYTES = 24


@click.group("keys")
def keys_command() -> None:
    """Manage the stream keys a broadcaster may publish with."""


@keys_command.command("list")
@data_options
@json_option
def list_command(settings: Settings, as_json: bool) -> None:
    """Show every stream key with its comment."""
    from owncast_cli.config import ConfigStore

    keys = ConfigStore(open_db(settings)).get("stream_keys")
    if as_json:
        click.echo(json.dumps(keys, indent=2))
        return
    for item in keys:
        click.echo(f"{item['key']}\t{item.get('comment', '')}")


@keys_command.command("add")
@data_options
@click.option("--comment", default="", help="What the key is for (e.g. the encoder using it).")
@click.option("--key", "given", default=None, help="Use this key instead of a generated one.")
def add_command(settings: Settings, comment: str, given: str | None) -> None:
    """Add a stream key (generated unless --key is given) and print it."""
    from owncast_cli.config import ConfigError, ConfigStore

    db = open_db(settings)
    store = ConfigStore(db)
    key = given or secrets.token_urlsafe(KEY_BYTES)
    try:
        changes = store.plan({"stream_keys": [*store.stream_keys(), {"key": key, "comment": comment}]})
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    write_and_push(db, settings, lambda: store.apply(changes))
    click.echo(key)


@keys_command.command("remove")
@data_options
@click.argument("key")
def remove_command(settings: Settings, key: str) -> None:
    """Remove KEY (the last key cannot be removed)."""
    from owncast_cli.config import ConfigStore

    db = open_db(settings)
    store = ConfigStore(db)
    keys = store.stream_keys()
    remaining = [k for k in keys if k["key"] != key]
    if len(remaining) == len(keys):
        fail("no such stream key (see `owncast keys list`)", EXIT_USAGE)
    if not remaining:
        fail("refusing to remove the last stream key: add another first (`owncast keys add`)", EXIT_USAGE)
    changes = store.plan({"stream_keys": remaining})
    write_and_push(db, settings, lambda: store.apply(changes))
    click.echo("stream key removed", err=True)
