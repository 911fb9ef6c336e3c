"""What an ffmpeg build can do, read from its own listings (sans-IO: text in, facts out).

``-version``, ``-encoders``, ``-muxers``, ``-filters`` and ``-h filter=NAME`` (or
``muxer=``, ``encoder=``) print tables whose layout changed between releases: Debian 12's
5.1 has three flag columns in ``-filters`` and no separator row, 9.x has two and a
``------`` row. These parsers accept both; the tests feed them captured text of each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

_VERSION_RE: Final = re.compile(r"^\S*ffmpeg version (\S+)", re.MULTILINE)
_ENCODER_FLAGS_RE: Final = re.compile(r"^[VASD.][A-Z.]{5}$")
_MUXER_FLAGS_RE: Final = re.compile(r"^[D.]?E[d.]?$")
# " TS. gradients         |->V       Draw a gradients." (5.1: T S C columns; 9.x: T S)
_FILTER_RE: Final = re.compile(r"^\s*[T.][S.][C.]?\s+(\S+)\s+[AVN|]*->[AVN|]*\s")
# "   speed   <float>   ..FV....... set gradients rotation speed (from 0 to 1) (default 0.01)"
# "  -hls_time   <duration>   E.......... set segment length (default 2)"
_OPTION_RE: Final = re.compile(r"^\s{1,4}-?([A-Za-z_][\w-]*)\s+<([\w ]+)>\s+[A-Z.]{6,}\s?(.*)$")
_RANGE_RE: Final = re.compile(r"\(from (\S+) to (\S+)\)")
_DEFAULT_RE: Final = re.compile(r"\(default (.*)\)\s*$")
_NAMED_LIMITS: Final = {"INT_MAX": 2**31 - 1, "INT_MIN": -(2**31), "UINT32_MAX": 2**32 - 1,
                        "I64_MAX": 2**63 - 1, "I64_MIN": -(2**63), "FLT_MAX": 3.4028234663852886e38,
                        "-FLT_MAX": -3.4028234663852886e38, "DBL_MAX": 1.7976931348623157e308,
                        "-DBL_MAX": -1.7976931348623157e308}


def _limit(text: str) -> float | None:
    if text in _NAMED_LIMITS:
        return float(_NAMED_LIMITS[text])
    try:
        return float(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class OptionSpec:
    """One AVOption as ``ffmpeg -h`` lists it."""

    name: str
    type: str
    minimum: float | None = None
    maximum: float | None = None
    default: str | None = None

    def allows(self, value: float) -> bool:
        """True when ``value`` is inside the listed range (an option without one takes anything)."""
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))

    def nearest(self, value: float) -> float:
        """``value`` clamped into the listed range."""
        if self.minimum is not None and value < self.minimum:
            return self.minimum
        if self.maximum is not None and value > self.maximum:
            return self.maximum
        return value


def parse_version(text: str) -> str:
    """The version from ``ffmpeg -version`` output ("n9.0.2-17-...", "5.1.9-0+deb12u1")."""
    match = _VERSION_RE.search(text)
    return match.group(1) if match else ""


def parse_encoders(text: str) -> tuple[str, ...]:
    """Every encoder name in an ``ffmpeg -encoders`` table, in table order."""
    names: list[str] = []
    for line in text.splitlines():
        fields = line.split(None, 2)
        # Rows are "<6 flag chars> <name> <description>"; the legend rows ("V..... = Video")
        # fail the "=" check, the header and separator fail the flag pattern.
        if len(fields) >= 2 and _ENCODER_FLAGS_RE.match(fields[0]) and fields[1] != "=":
            names.append(fields[1])
    return tuple(names)


def parse_muxers(text: str) -> frozenset[str]:
    """The muxer names in ``ffmpeg -muxers`` output."""
    names: set[str] = set()
    for line in text.splitlines():
        fields = line.split(None, 2)
        if len(fields) >= 2 and _MUXER_FLAGS_RE.match(fields[0]) and fields[1] != "=":
            names.update(fields[1].split(","))
    return frozenset(names)


def parse_filters(text: str) -> frozenset[str]:
    """The filter names in ``ffmpeg -filters`` output (both the 5.x and the 9.x layout)."""
    return frozenset(m.group(1) for line in text.splitlines() if (m := _FILTER_RE.match(line)))


def parse_options(text: str) -> dict[str, OptionSpec]:
    """The options ``ffmpeg -h filter=NAME`` (or ``muxer=``/``encoder=``) lists, by name.

    Named constants of an option (``linear 0 ..FV....``) have no ``<type>`` and are skipped;
    an option listed twice (a short alias) keeps each name.
    """
    options: dict[str, OptionSpec] = {}
    for line in text.splitlines():
        match = _OPTION_RE.match(line)
        if match is None:
            continue
        name, type_, rest = match.groups()
        minimum = maximum = None
        if (limits := _RANGE_RE.search(rest)) is not None:
            minimum, maximum = _limit(limits.group(1)), _limit(limits.group(2))
        default = None
        if (found := _DEFAULT_RE.search(rest)) is not None:
            default = found.group(1).strip('"')
        options[name] = OptionSpec(name, type_.strip(), minimum, maximum, default)
    return options


@dataclass(frozen=True)
class Capabilities:
    """What one ffmpeg build offers; every command line is built from this."""

    version: str
    encoders: frozenset[str] = frozenset()
    muxers: frozenset[str] = frozenset()
    filters: frozenset[str] = frozenset()
    options: Mapping[str, Mapping[str, OptionSpec]] = field(default_factory=dict)
    """``{"filter=gradients": {"speed": OptionSpec, ...}}``: only the topics that were asked."""

    def option(self, topic: str, name: str) -> OptionSpec | None:
        """The option ``name`` of ``topic`` (``"filter=gradients"``), or None when it is not listed."""
        return self.options.get(topic, {}).get(name)

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "encoders": sorted(self.encoders), "muxers": sorted(self.muxers),
                "filters": sorted(self.filters),
                "options": {topic: {name: [o.type, o.minimum, o.maximum, o.default] for name, o in opts.items()}
                            for topic, opts in self.options.items()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Capabilities:
        options = {topic: {name: OptionSpec(name, *fields) for name, fields in opts.items()}
                   for topic, opts in data["options"].items()}
        return cls(str(data["version"]), frozenset(data["encoders"]), frozenset(data["muxers"]),
                   frozenset(data["filters"]), options)
