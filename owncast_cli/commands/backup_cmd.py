"""``owncast backup`` and ``owncast restore``."""

from __future__ import annotations

from pathlib import Path

import rich_click as click

from owncast_cli.commands.common import open_db
from owncast_cli.commands.options import data_options, fail
from owncast_cli.settings import Settings


@click.command("backup")
@data_options
@click.option("--backupdir", type=click.Path(path_type=Path), default=None,
              help="Where to write it (default: DATADIR/backup).")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Exact file to write.")
def backup_command(settings: Settings, backupdir: Path | None, output: Path | None) -> None:
    """Write a consistent copy of the live database (SQLite online backup) and print its path."""
    from owncast_cli.backup import backup_to, timestamped_name

    open_db(settings).close()
    target = output or (backupdir or settings.backup_dir) / timestamped_name()
    click.echo(str(backup_to(settings.db_path, target)))


@click.command("restore")
@data_options
@click.argument("file", type=click.Path(path_type=Path))
def restore_command(settings: Settings, file: Path) -> None:
    """Check FILE's integrity and swap it in as the database (refused while daemons run)."""
    from owncast_cli.commands.daemons import _restore

    if not file.exists():
        fail(f"{file}: no such file")
    _restore(settings, file)
