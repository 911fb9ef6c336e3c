"""The runner's limits: a family that hangs or breaks is reported, and the others' findings are kept."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import trio

from owncast_cli.doctor import context, database, ports, runner
from owncast_cli.doctor.families import FAMILIES
from owncast_cli.doctor.model import Finding
from owncast_cli.doctor.runner import run_doctor
from owncast_cli.settings import Settings


async def hangs(probe: context.Probe) -> list[Finding]:
    await trio.sleep_forever()
    raise AssertionError("unreachable")


async def test_a_hanging_and_a_broken_family(prepared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def breaks(probe: context.Probe) -> list[Finding]:
        raise KeyError("no such key")

    monkeypatch.setattr(ports, "run", hangs)
    monkeypatch.setitem(FAMILIES, "ports", dataclasses.replace(FAMILIES["ports"], limit=0.5))
    monkeypatch.setattr(database, "run", breaks)
    probe = context.load(Settings(datadir=prepared))
    with trio.fail_after(10):
        report = await run_doctor(probe, ["ports", "database", "security"])
    by_check = {f.check: f for f in report.findings}
    assert by_check["ports"].seen == "did not finish within 0.5 s"
    assert by_check["database"].seen == "the check itself failed: KeyError: 'no such key'"
    assert by_check["database"].fix.startswith("Run `owncast doctor --only database` again")
    assert by_check["security.admin_password"].status == "failed"
    assert report.exit_code == 1
    with pytest.raises(ValueError, match="unknown check dns; allowed: ports, proxy"):
        await run_doctor(probe, ["dns"])


async def test_the_run_deadline_reports_what_it_cut_short(prepared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ports, "run", hangs)
    monkeypatch.setattr(runner, "TOTAL_SECONDS", 0.5)
    probe = context.load(Settings(datadir=prepared))
    with trio.fail_after(10):
        report = await run_doctor(probe, ["ports", "database"])
    assert [(f.check, f.seen) for f in report.findings if f.check == "ports"] == [
        ("ports", "did not finish within the run's 0.5 s")]
    assert {f.check for f in report.findings} >= {"database.integrity", "database.schema"}
    assert 0.5 <= report.seconds < 2
