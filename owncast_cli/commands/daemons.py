"""``owncast run-all``, one command per daemon, and ``owncast migrate``."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import rich_click as click

from owncast_cli.commands.options import EXIT_USAGE, daemon_options, data_options, fail, ffmpeg_option
from owncast_cli.daemons.registry import DAEMONS
from owncast_cli.settings import Settings

logger = logging.getLogger("owncast")


def _apply_flags(db: Any, settings: Settings, persisted: dict[str, Any]) -> None:
    """Save Owncast's persisted flags (ports, address, admin password) through the config store."""
    from owncast_cli.bus import log
    from owncast_cli.bus.push import push_sync
    from owncast_cli.config import ConfigError, ConfigStore

    if not persisted:
        return
    store = ConfigStore(db)
    try:
        changes = store.plan(persisted)
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    events = db.write(lambda: log.append(db, store.apply(changes), "cli"))
    push_sync(settings.run_dir, events)


def _warn_defaults(db: Any, settings: Settings) -> None:
    from owncast_cli.config import ConfigStore

    store = ConfigStore(db)
    if store.check_admin_password("abc123"):
        logger.warning("the admin password is still the default 'abc123': change it with "
                       "`owncast config set admin_password_key NEW` or --adminpassword")
    keys = store.stream_keys()
    if settings.streamkey is None and [k["key"] for k in keys] == ["abc123"]:
        logger.warning("the only stream key is the default 'abc123': add one with `owncast keys add`")


def _run(settings: Settings, persisted: dict[str, Any], restore_database: Path | None,
         names: list[str], *, migrate: bool) -> None:
    import trio

    from owncast_cli import logsetup
    from owncast_cli.daemons.runner import prepare_database, run_daemons
    from owncast_cli.db import SchemaOutdated
    from owncast_cli.plugins import load_plugins
    from owncast_cli.plugins.host import default_plugins_dir

    settings.ensure_dirs()
    logsetup.setup(settings.log_dir, verbose=settings.verbose)
    if restore_database is not None:
        _restore(settings, restore_database)
        return
    try:
        db = prepare_database(settings, migrate=migrate)
    except SchemaOutdated as exc:
        fail(str(exc))
    _apply_flags(db, settings, persisted)
    _warn_defaults(db, settings)
    try:
        plugins = load_plugins(settings.plugins_dir or default_plugins_dir())
    except (OSError, RuntimeError) as exc:
        fail(str(exc))
    specs = [DAEMONS[name] for name in names]
    if migrate:  # run-all: plugins may add daemons
        specs += plugins.extra_daemons()
    source = "run-all" if migrate else names[0]
    try:
        trio.run(lambda: run_daemons(settings, db, specs, source=source, plugins=plugins))
    except (OSError, BaseExceptionGroup) as exc:
        for leaf in _leaves(exc):
            logger.error("stopped with an error: %s: %s", type(leaf).__name__, leaf,
                         exc_info=leaf if settings.verbose else None)
        sys.exit(1)
    finally:
        db.close()


def _leaves(exc: BaseException) -> list[BaseException]:
    """The real errors inside trio's exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


def _restore(settings: Settings, path: Path) -> None:
    from owncast_cli.backup import RestoreError, restore
    from owncast_cli.daemons.records import running_elsewhere
    from owncast_cli.db import open_database

    if settings.db_path.exists():
        db = open_database(settings.db_path, check=False)
        try:
            alive = running_elsewhere(db) if db.schema_version() else []
        finally:
            db.close()
        if alive:
            fail("refusing to restore while daemons run: " + ", ".join(f"{r.name} (pid {r.pid})" for r in alive))
    try:
        version = restore(path, settings.db_path)
    except RestoreError as exc:
        fail(str(exc))
    click.echo(f"restored {path} (schema {version}) over {settings.db_path}", err=True)


@click.command("run-all")
@daemon_options
@ffmpeg_option
@click.option("--without", "without", multiple=True, type=click.Choice(list(DAEMONS)),
              help="Leave this daemon out (repeatable), to run it as its own process on this host "
                   "(same data directory; other hosts are not supported yet).")
def run_all_command(settings: Settings, persisted: dict[str, Any], restore_database: Path | None,
                    ffmpeg: str | None, without: tuple[str, ...]) -> None:
    """Migrate the database, then run every daemon in one process until SIGTERM/SIGINT."""
    _run(settings.with_(ffmpeg=ffmpeg), persisted, restore_database, [n for n in DAEMONS if n not in without],
         migrate=True)


def _daemon_command(name: str) -> click.Command:
    spec = DAEMONS[name]

    @click.command(name, help=spec.help + " Runs alone (one systemd unit); needs `owncast migrate` first.")
    @daemon_options
    def command(settings: Settings, persisted: dict[str, Any], restore_database: Path | None,
                ffmpeg: str | None = None) -> None:
        _run(settings.with_(ffmpeg=ffmpeg), persisted, restore_database, [name], migrate=False)

    # Only transcode runs ffmpeg.
    return ffmpeg_option(command) if name == "transcode" else command


serve_command = _daemon_command("serve")
ingest_command = _daemon_command("ingest")
transcode_command = _daemon_command("transcode")


@click.command("migrate")
@data_options
def migrate_command(settings: Settings) -> None:
    """Create or upgrade the database schema (the only command that migrates, besides run-all)."""
    from owncast_cli.daemons.runner import prepare_database
    from owncast_cli.db import SCHEMA_VERSION

    db = prepare_database(settings, migrate=True)
    db.close()
    click.echo(f"{settings.db_path}: schema version {SCHEMA_VERSION}", err=True)
