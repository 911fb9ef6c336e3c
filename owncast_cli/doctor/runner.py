"""Run the check families side by side, each under its own time limit, the whole run under 30 s."""

from __future__ import annotations

import importlib
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Final

import trio

from owncast_cli.doctor.context import Probe
from owncast_cli.doctor.model import Finding, Report, failed

#: The whole run ends by then: a family still running is reported as timed out.
TOTAL_SECONDS: Final = 27.0

Check = Callable[[Probe], Awaitable[list[Finding]]]


@dataclass(frozen=True)
class Family:
    """A group of checks in ``owncast_cli.doctor.<module>``, run by its ``run(probe)``."""

    name: str
    module: str
    limit: float
    help: str
    needs_config: bool = True

    def load(self) -> Check:
        check: Check = importlib.import_module(f"owncast_cli.doctor.{self.module}").run
        return check


FAMILIES: Final[dict[str, Family]] = {f.name: f for f in (
    Family("ports", "ports", 6.0, "the web and RTMP ports listen and answer"),
    Family("proxy", "proxy", 10.0, "server_url reaches this server, passes websockets and the client address"),
    Family("tls", "tls", 8.0, "server_url has a valid certificate (required for federation)"),
    Family("ffmpeg", "encoders", 25.0, "ffmpeg is found, each encoder encodes, the variants run faster than real time"),
    Family("storage", "storage", 12.0, "S3 put/get/delete, the serving URL serves it; disk space for HLS and backups"),
    Family("security", "security", 6.0, "default admin password or stream key; the admin API over plain HTTP"),
    Family("database", "database", 10.0, "integrity check, schema version, last backup", needs_config=False),
    Family("daemons", "daemons", 3.0, "which daemons run, which restarted recently and why"),
)}


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
    findings = [finding for family in chosen for finding in results[family.name]]
    return Report(tuple(findings), time.monotonic() - began)
