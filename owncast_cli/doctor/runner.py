"""Run the check families side by side, each under its own time limit, the whole run under 30 s."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Final

import trio

from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.families import FAMILIES, Family
from owncast_cli.doctor.model import Finding, Report, failed

#: The whole run ends by then: a family still running is reported as timed out.
TOTAL_SECONDS: Final = 27.0

async def _run_family(family: Family, probe: Probe, out: list[Finding]) -> None:
    if family.needs_config and probe.config is None:
        out.append(failed(family.name, f"could not read the config: {probe.config_error}",
                          "See the database check; restore a good backup with `owncast restore FILE`."))
        return
    with trio.move_on_after(family.limit) as scope:
        try:
            out.extend(await family.load()(probe))
        except Exception as exc:  # a check that breaks must not hide the others' findings
            out.append(failed(family.name, f"the check itself failed: {type(exc).__name__}: {exc}",
                              "Run `owncast doctor --only " + family.name + "` again; report it if it repeats."))
    if scope.cancelled_caught:
        out.append(failed(family.name, f"did not finish within {family.limit:g} s",
                          "Something it probes does not answer in time; the other findings of this family say what."))


async def run_doctor(probe: Probe, only: Sequence[str] = ()) -> Report:
    """Run the families named in ``only`` (all when empty) and collect their findings in family order.

    Raises:
        ValueError: ``only`` names an unknown family (the message lists them).
    """
    unknown = [name for name in only if name not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown check {', '.join(unknown)}; allowed: {', '.join(FAMILIES)}")
    chosen = [f for f in FAMILIES.values() if not only or f.name in only]
    began = time.monotonic()
    results: dict[str, list[Finding]] = {f.name: [] for f in chosen}
    with trio.move_on_after(TOTAL_SECONDS):
        async with trio.open_nursery() as nursery:
            for family in chosen:
                nursery.start_soon(_run_family, family, probe, results[family.name])
    for family in chosen:
        if not results[family.name]:  # cancelled by the run's deadline before its own
            results[family.name].append(failed(family.name, f"did not finish within the run's {TOTAL_SECONDS:g} s",
                                               "The other families took the time; run this one alone with --only."))
    findings = [finding for family in chosen for finding in results[family.name]]
    return Report(tuple(findings), time.monotonic() - began)
