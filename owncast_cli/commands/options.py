"""Options shared by subcommands (Owncast's flag names) and the Settings they build."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import rich_click as click

from owncast_cli.settings import Settings

EXIT_USAGE = 2
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 1) -> None:
    click.echo(f"owncast: {message}", err=True)
    sys.exit(code)


def data_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--datadir`` and ``--database``: where the shared files are."""

    @click.option("--datadir", type=click.Path(path_type=Path), envvar="OWNCAST_DATADIR",
                  default=Path("data"), show_default=True, show_envvar=True,
                  help="Directory holding owncast.db, hls/, logs/, backup/, run/ and the rest.")
    @click.option("--database", type=click.Path(path_type=Path), default=None,
                  help="Alternative database file (default: DATADIR/owncast.db).")
    @functools.wraps(fn)
    def wrapper(*args: Any, datadir: Path, database: Path | None, **kwargs: Any) -> Any:
        settings = Settings(datadir=datadir, database=database)
        return fn(*args, settings=settings, **kwargs)

    return wrapper


def daemon_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Owncast's runtime flags, with the same names and meaning, on run-all and each daemon."""

    @data_options
    @click.option("--backupdir", type=click.Path(path_type=Path), default=None,
                  help="Where hourly database backups go (default: DATADIR/backup).")
    @click.option("--logdir", type=click.Path(path_type=Path), default=None,
                  help="Log directory (default: DATADIR/logs).")
    @click.option("--webserverport", type=click.IntRange(0, 65535), default=None,
                  help="HTTP port; saved to the config (0: any free port, this run only).")
    @click.option("--webserverip", default=None, help="HTTP listen address; saved to the config.")
    @click.option("--rtmpport", type=click.IntRange(0, 65535), default=None,
                  help="RTMP port; saved to the config (0: any free port, this run only).")
    @click.option("--adminpassword", default=None,
                  help="Set a new admin password (saved, bcrypt-hashed).")
    @click.option("--streamkey", default=None,
                  help="A stream key for this run only; replaces the stored keys.")
    @click.option("--restoreDatabase", "restore_database", type=click.Path(path_type=Path), default=None,
                  help="Restore this backup file over the database, then exit.")
    @click.option("--enableVerboseLogging", "verbose", is_flag=True, default=False,
                  help="Debug-level logs and HTTP request logs.")
    @click.option("--plugins-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                  help="Load plugins from this folder (default: the checkout's plugins/ folder).")
    @functools.wraps(fn)
    def wrapper(*args: Any, settings: Settings, backupdir: Path | None, logdir: Path | None,
                webserverport: int | None, webserverip: str | None, rtmpport: int | None,
                adminpassword: str | None, streamkey: str | None, restore_database: Path | None,
                verbose: bool, plugins_dir: Path | None, **kwargs: Any) -> Any:
        settings = settings.with_(
            backupdir=backupdir, logdir=logdir, streamkey=streamkey, verbose=verbose,
            plugins_dir=plugins_dir,
            web_port=0 if webserverport == 0 else None,
            rtmp_port=0 if rtmpport == 0 else None,
        )
        flags = {
            "http_port_number": webserverport or None,
            "http_listen_address": webserverip,
            "rtmp_port_number": rtmpport or None,
            "admin_password_key": adminpassword,
        }
        persisted = {k: v for k, v in flags.items() if v is not None}
        return fn(*args, settings=settings, persisted=persisted, restore_database=restore_database, **kwargs)

    return wrapper


def _resolve_ffmpeg(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from owncast_cli.media.ffmpeg import FFmpegNotFound, resolve_explicit

    try:
        return resolve_explicit(value, "--ffmpeg")
    except FFmpegNotFound as exc:
        raise click.BadParameter(str(exc).removeprefix("invalid value for --ffmpeg: "), ctx, param) from None


def ffmpeg_option(fn: F) -> F:
    """``--ffmpeg PATH``: this binary, over the ``ffmpeg_path`` key, PATH and the bundled one."""
    return click.option("--ffmpeg", "ffmpeg", metavar="PATH", default=None, callback=_resolve_ffmpeg,
                        help="The ffmpeg to run (a path or a command on PATH); overrides the ffmpeg_path "
                             "config key, PATH and the bundled imageio-ffmpeg.")(fn)


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable JSON on stdout.")(fn)
