"""What a check finds: a status, what was seen, and the fix; a report of findings with its exit code."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How a finding reads: ``skipped`` means the check does not apply to this configuration."""

    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Finding:
    """One check's result: ``check`` is ``family.item`` (``proxy.websocket``)."""

    check: str
    status: Status
    seen: str
    fix: str = ""

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "status": self.status.value, "seen": self.seen, "fix": self.fix}


def passed(check: str, seen: str) -> Finding:
    return Finding(check, Status.PASSED, seen)


def skipped(check: str, seen: str) -> Finding:
    return Finding(check, Status.SKIPPED, seen)


def warning(check: str, seen: str, fix: str) -> Finding:
    return Finding(check, Status.WARNING, seen, fix)


def failed(check: str, seen: str, fix: str) -> Finding:
    return Finding(check, Status.FAILED, seen, fix)


@dataclass(frozen=True)
class Report:
    """Every finding of one run, in family order, and how long the run took."""

    findings: tuple[Finding, ...]
    seconds: float

    @property
    def exit_code(self) -> int:
        """0 when nothing failed (warnings included), 1 when something failed."""
        return 1 if any(f.status is Status.FAILED for f in self.findings) else 0

    def to_json(self) -> dict[str, Any]:
        """The shape of ``owncast doctor --json`` and ``GET /api/admin/doctor``."""
        counts = Counter(f.status.value for f in self.findings)
        return {"ok": self.exit_code == 0, "seconds": round(self.seconds, 2),
                "summary": {status.value: counts.get(status.value, 0) for status in Status},
                "checks": [f.to_json() for f in self.findings]}
