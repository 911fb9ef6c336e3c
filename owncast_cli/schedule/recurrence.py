"""RFC 5545 recurrence values (``DTSTART;TZID=...`` + ``RRULE:...``), parsed and expanded with
python-dateutil's rrule engine and the standard zoneinfo database.

The TZID travels inside the value: "Monday 18:00 Europe/Berlin" stays 18:00 wall time across
daylight-saving changes while its UTC instant moves. A wall time that does not exist on the
day clocks go forward (02:30 in Berlin on the last Sunday of March) means the instant before
the gap plus the gap, as RFC 5545 section 3.3.5 says: zoneinfo's ``fold=0`` gives exactly that.
Error messages are Owncast's (``services/schedule/recurrence.go``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr

#: Bounds on the work one expansion may do (Owncast's guards): a dense rule with an old DTSTART
#: must not burn unbounded CPU, and no stream schedule needs more occurrences in one window.
MAX_ITERATIONS: Final = 500_000
MAX_OCCURRENCES: Final = 1000

_DTSTART = re.compile(r"DTSTART(?P<params>(?:;[^:]*)?):(?P<value>\d{8}T\d{6}Z?)$", re.IGNORECASE)
_TZID = re.compile(r";TZID=([^;:]+)", re.IGNORECASE)


class RecurrenceError(ValueError):
    """A recurrence value we cannot use; the message says why."""


@dataclass(frozen=True)
class Recurrence:
    """A parsed recurrence value: its start (aware), its zone name, and the lines after DTSTART."""

    text: str
    dtstart: datetime
    zone: str
    rules: str

    def expand(self, start: datetime, end: datetime) -> list[datetime]:
        """Occurrence starts in [start, end), in the rule's zone, in order.

        Raises:
            RecurrenceError: the rule is too dense or gives too many occurrences in the window.
        """
        found: list[datetime] = []
        for count, moment in enumerate(self._iterate()):
            if count > MAX_ITERATIONS:
                raise RecurrenceError("recurrence rule is too dense to expand")
            if moment >= end:
                break
            if moment < start:
                continue
            found.append(moment)
            if len(found) > MAX_OCCURRENCES:
                raise RecurrenceError("recurrence rule produces too many occurrences")
        return found

    def _iterate(self) -> Iterator[datetime]:
        # dateutil iterates naive wall times and attaches the tzinfo, which is what keeps a
        # weekly 18:00 at 18:00 across DST changes.
        return iter(rrulestr(self.rules, dtstart=self.dtstart, forceset=True))


def zone(name: str) -> tzinfo:
    """The tzinfo of an IANA zone name ("UTC" included), or RecurrenceError."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(f"unknown time zone {name!r}") from None


def parse(value: str) -> Recurrence:
    """Parse and check a stored recurrence value.

    Raises:
        RecurrenceError: empty, unparseable, no RRULE, no DTSTART or an unknown TZID.
    """
    text = value.strip()
    if not text:
        raise RecurrenceError("recurrence value is empty")
    # RFC 5545 3.1: a line starting with a space or tab continues the previous one.
    lines = [line.strip() for line in re.sub(r"\r?\n[ \t]", "", text).splitlines() if line.strip()]
    starts = [line for line in lines if line.upper().startswith("DTSTART")]
    rules = [line for line in lines if not line.upper().startswith("DTSTART")]
    if not any(line.upper().startswith("RRULE:") for line in rules):
        raise RecurrenceError("recurrence value has no RRULE")
    if re.search(r"FREQ=(SECONDLY|MINUTELY)\b", "\n".join(rules), re.IGNORECASE):
        # Owncast takes these and fails at every expansion; no stream repeats every minute.
        raise RecurrenceError("recurrence rule is too dense to expand")
    if not starts:
        raise RecurrenceError("recurrence value has no DTSTART")
    match = _DTSTART.match(starts[0])
    if len(starts) > 1 or match is None:
        raise RecurrenceError(f"unable to parse recurrence value: {starts[0]!r} is not "
                              "DTSTART;TZID=Area/City:YYYYMMDDTHHMMSS or DTSTART:YYYYMMDDTHHMMSSZ")
    stamp = match["value"].upper()
    tz: tzinfo
    tzid = _TZID.search(match["params"])
    if stamp.endswith("Z"):
        tz, zone_name = UTC, "UTC"
    elif tzid:
        zone_name = tzid.group(1).strip('"')
        try:
            tz = zone(zone_name)
        except RecurrenceError as exc:
            raise RecurrenceError(f"unable to parse recurrence value: {exc}") from None
    else:
        # A floating DTSTART would mean a different instant on every server: Owncast reads it as UTC.
        tz, zone_name = UTC, "UTC"
    try:
        dtstart = datetime.strptime(stamp.rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=tz)
        recurrence = Recurrence(text, dtstart, zone_name, "\n".join(rules))
        next(recurrence._iterate(), None)  # dateutil checks the rule's parts lazily
    except (ValueError, TypeError) as exc:
        raise RecurrenceError(f"unable to parse recurrence value: {exc}") from None
    return recurrence


def build(start_local: datetime, zone_name: str, rrule: str) -> str:
    """The stored value for a wall-clock start in a zone and an RRULE (``FREQ=WEEKLY;...``)."""
    rule = rrule.strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    stamp = start_local.strftime("%Y%m%dT%H%M%S")
    head = f"DTSTART:{stamp}Z" if zone_name.upper() == "UTC" else f"DTSTART;TZID={zone_name}:{stamp}"
    return f"{head}\nRRULE:{rule}"
