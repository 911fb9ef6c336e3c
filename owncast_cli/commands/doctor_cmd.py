"""``owncast doctor``: find what is wrong with this deployment and say how to fix it."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import rich_click as click

from owncast_cli.commands.options import data_options, fail, json_option
from owncast_cli.doctor.families import FAMILIES
from owncast_cli.settings import Settings

if TYPE_CHECKING:
    from owncast_cli.doctor.model import Report

#: Exit code when the doctor could not run at all (no database, say); click's usage errors use it too.
EXIT_COULD_NOT_RUN = 2
_COLOURS = {"passed": "green", "warning": "yellow", "failed": "red", "skipped": "dim"}


def _split(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    names = [name.strip() for item in value for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name not in FAMILIES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}; allowed: {', '.join(FAMILIES)}", ctx, param)
    return names


def _print(report: Report) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table("check", "status", "seen", "fix", show_lines=True)
    for finding in report.findings:
        colour = _COLOURS[finding.status.value]
        table.add_row(finding.check, f"[{colour}]{finding.status.value}[/]", finding.seen, finding.fix)
    console.print(table)
    summary = report.to_json()["summary"]
    console.print(", ".join(f"{n} {status}" for status, n in summary.items() if n) + f" in {report.seconds:.1f} s")


@click.command("doctor")
@data_options
@json_option
@click.option("--only", "only", multiple=True, callback=_split, metavar="CHECK",
              help="Run only these check families (repeat or comma-separate): "
                   + "; ".join(f"{f.name}: {f.help}" for f in FAMILIES.values()) + ".")
def doctor_command(settings: Settings, as_json: bool, only: list[str]) -> None:
    """Check the ports, the reverse proxy, TLS, ffmpeg and the encoders, storage, security, the database
    and the daemons; print what was seen and how to fix each problem.

    Exit code 0 when nothing failed (warnings allowed), 1 when a check failed, 2 when the doctor could
    not run. Every check has a time limit; the whole run ends within 30 s.
    """
    import trio

    from owncast_cli.doctor import context
    from owncast_cli.doctor.runner import run_doctor

    try:
        probe = context.load(settings)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_COULD_NOT_RUN)
    report = trio.run(run_doctor, probe, only)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print(report)
    sys.exit(report.exit_code)

