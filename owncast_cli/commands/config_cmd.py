"""``owncast config``: list, get, set, unset, export and import typed config values."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.common import open_db, write_and_push
from owncast_cli.commands.options import EXIT_USAGE, data_options, fail, json_option
from owncast_cli.settings import Settings


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


@click.group("config")
def config_command() -> None:
    """Read and change the server's configuration (the same store the admin API uses)."""


@config_command.command("list")
@data_options
@json_option
@click.option("--show-secrets", is_flag=True, help="Show secret values instead of a mask.")
def list_command(settings: Settings, as_json: bool, show_secrets: bool) -> None:
    """Every key with its current value, type and whether it is the default."""
    from owncast_cli.config import KEYS, ConfigStore
    from owncast_cli.config.store import display

    db = open_db(settings)
    store = ConfigStore(db)
    values = store.all()
    stored = {name for name in values if store.is_set(name)}
    shown = {k: v if show_secrets else display(k, v) for k, v in values.items()}
    if as_json:
        click.echo(json.dumps(shown, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("key", "value", "type", "set", box=None, pad_edge=False)
    for name, value in shown.items():
        text = _text(value).replace("\n", "⏎")
        table.add_row(name, text if len(text) <= 60 else text[:57] + "...", KEYS[name].kind.value,
                      "yes" if name in stored else "")
    Console(soft_wrap=False).print(table)


@config_command.command("get")
@data_options
@click.argument("key")
def get_command(settings: Settings, key: str) -> None:
    """Print one value: strings as they are, anything else as JSON."""
    from owncast_cli.config import ConfigError, ConfigStore

    store = ConfigStore(open_db(settings))
    try:
        click.echo(_text(store.get(key)))
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)


@config_command.command("set")
@data_options
@click.argument("key")
@click.argument("value")
def set_command(settings: Settings, key: str, value: str) -> None:
    """Set KEY to VALUE (JSON for lists and objects; true/false for booleans)."""
    from owncast_cli.config import KEYS, ConfigError, ConfigStore, parse_cli

    db = open_db(settings)
    store = ConfigStore(db)
    try:
        changes = store.plan({key: parse_cli(key, value)})
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    write_and_push(db, settings, lambda: store.apply(changes))
    note = "" if KEYS[key].live else " (takes effect after restart)"
    click.echo(f"{key} {'set' if changes else 'unchanged'}{note}", err=True)


@config_command.command("unset")
@data_options
@click.argument("key")
def unset_command(settings: Settings, key: str) -> None:
    """Return KEY to its default value."""
    from owncast_cli.config import ConfigError, ConfigStore
    from owncast_cli.config.store import lookup

    try:
        lookup(key)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    db = open_db(settings)
    store = ConfigStore(db)
    write_and_push(db, settings, lambda: store.unset(key))
    click.echo(f"{key} reset to its default", err=True)


@config_command.command("export")
@data_options
@click.option("--format", "fmt", type=click.Choice(["json", "toml"]), default="json", show_default=True)
def export_command(settings: Settings, fmt: str) -> None:
    """Write every value (secrets included: this is a backup) to stdout."""
    from owncast_cli.config import ConfigStore

    values = ConfigStore(open_db(settings)).all()
    if fmt == "toml":
        import tomli_w

        sys.stdout.write(tomli_w.dumps(values))
    else:
        click.echo(json.dumps(values, indent=2))


def _read_file(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            fail(f"{path}: not valid TOML: {exc}", EXIT_USAGE)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            fail(f"{path}: not valid JSON ({exc}); name the file .toml for TOML", EXIT_USAGE)
    if not isinstance(data, dict):
        fail(f"{path}: expected an object of key = value", EXIT_USAGE)
    return data


@config_command.command("import")
@data_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and print the changes; write nothing.")
def import_command(settings: Settings, file: Path, dry_run: bool) -> None:
    """Set many keys from a JSON or TOML FILE: every value is validated before anything is written."""
    from owncast_cli.config import ConfigError, ConfigStore
    from owncast_cli.config.store import display

    data = _read_file(file)
    db = open_db(settings)
    store = ConfigStore(db)
    errors, changes = [], []
    for key, value in data.items():
        try:
            changes += store.plan({key: value})
        except ConfigError as exc:
            errors.append(str(exc))
    if errors:
        fail(f"{file}: nothing imported, {len(errors)} invalid:\n  " + "\n  ".join(errors), EXIT_USAGE)
    for change in changes:
        old, new = _text(display(change.key, change.old)), _text(display(change.key, change.new))
        click.echo(f"{change.key}: {old} -> {new}")
    if dry_run:
        click.echo(f"dry run: {len(changes)} change(s), nothing written", err=True)
        return
    write_and_push(db, settings, lambda: store.apply(changes))
    click.echo(f"imported {len(changes)} change(s) from {file}", err=True)
