"""What ships agrees with the code: --help, the man page, the systemd units, the changelog."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from owncast_cli.cli import COMMANDS, cli
from owncast_cli.daemons.registry import DAEMONS

ROOT = Path(__file__).resolve().parents[2]


def _walk(group: click.Group, ctx: click.Context, prefix: tuple[str, ...] = ()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from _walk(command, click.Context(command, parent=ctx), path)


def all_commands() -> list[tuple[tuple[str, ...], click.Command]]:
    return list(_walk(cli, click.Context(cli)))


@pytest.mark.parametrize("path", [p for p, _ in all_commands()], ids=" ".join)
def test_every_help_exits_zero(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output


def _man_text() -> str:
    # Undo roff escapes so option names read as on the command line.
    return (ROOT / "owncast.1").read_text().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "")


def test_man_page_names_every_command_and_option() -> None:
    man = _man_text()
    for path, command in all_commands():
        if isinstance(command, click.Group):
            continue
        assert " ".join(path) in man, f"owncast.1 does not name `owncast {' '.join(path)}`"
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in man, f"owncast.1 does not name {opt} of `owncast {' '.join(path)}`"


def test_man_page_names_no_command_that_does_not_exist() -> None:
    text = (ROOT / "owncast.1").read_text().replace("\\-", "-")
    documented = set(re.findall(r"^\.TP\n\.B[IR]?\s+\"?([a-z][a-z-]+)", text, re.M))
    assert documented <= set(COMMANDS), documented - set(COMMANDS)


def test_systemd_units_name_real_subcommands() -> None:
    units = ROOT / "contrib" / "systemd"
    execs = {}
    for unit in units.iterdir():
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                execs[unit.name] = line.split()[1:]
    assert execs["owncast.service"] == ["run-all"]
    assert execs["owncast-migrate.service"] == ["migrate"]
    assert execs["owncast@.service"] == ["%i"]
    target = (units / "owncast.target").read_text()
    instances = re.findall(r"owncast@([a-z-]+)\.service", target)
    assert instances and set(instances) == set(DAEMONS)
    for unit in ("owncast.service", "owncast@.service"):
        text = (units / unit).read_text()
        assert "Type=notify" in text and "ProtectSystem=strict" in text and "NoNewPrivileges=yes" in text


def test_changelog_has_unreleased_section() -> None:
    assert "## [Unreleased]" in (ROOT / "CHANGELOG.md").read_text()


def test_readme_shows_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_setup_cfg_declares_console_script_and_test_extra() -> None:
    text = (ROOT / "setup.cfg").read_text()
    assert "owncast = owncast_cli.cli:main" in text
    assert "[options.extras_require]" in text and "test =" in text
