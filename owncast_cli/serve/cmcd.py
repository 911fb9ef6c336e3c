"""CMCD (CTA-5004 v1, CTA-5004-A v2) reports to playback measurements: sans-IO, bytes and strings in.

Owncast's collector (webserver/handlers/cmcdCollector.go, hlsMetrics.go) takes a JSON object or an
array of them, or a dictionary payload (``mtp=25400,bs,sid="abc"``) from the ``CMCD`` query
parameter and the four ``CMCD-*`` headers, and maps the keys it consumes: ``mtp`` (throughput,
kbps), ``ltc`` (live latency, ms), ``ttlb`` (download time, ms), ``br`` (encoded bitrate, kbps: a
change is a quality-variant change), ``bs`` and ``e=e`` (errors); ``sid`` names the player.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

#: Request headers CMCD may be split across instead of the query parameter.
HEADERS: Final = ("cmcd-request", "cmcd-object", "cmcd-status", "cmcd-session")
#: Owncast bounds the collector's body: reports are tiny.
MAX_BODY: Final = 64 * 1024


class CmcdError(ValueError):
    """A collector body that is not JSON; the message says why."""


@dataclass(frozen=True)
class PlaybackReport:
    """One client's measurements from one report; None (or 0) for what it did not measure."""

    client_id: str
    bandwidth_kbps: float = 0.0
    latency_seconds: float = 0.0
    download_seconds: float = 0.0
    bitrate_kbps: float = 0.0
    #: Errors since the previous report; None when the report says nothing about errors.
    errors: float | None = None
    #: Variant switches the player counted itself (the legacy endpoint); CMCD players send ``br``.
    variant_changes: float | None = None
    #: The request-derived identity of the viewer the report came from (address and user agent).
    viewer_id: str = ""
    #: CMCD's player state token (``sta``): p playing, a paused, w waiting, k seeking, e ended.
    player_state: str = ""


def _split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside double-quoted strings (a backslash escapes inside them)."""
    parts, start, quoted, i = [], 0, False, 0
    while i < len(text):
        char = text[i]
        if char == "\\" and quoted:
            i += 1
        elif char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _unquote(value: str) -> str:
    value = value.removeprefix('"').removesuffix('"')
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            i += 1
        out.append(value[i])
        i += 1
    return "".join(out)


def parse_payload(payload: str, into: dict[str, Any] | None = None) -> dict[str, Any]:
    """A CMCD dictionary payload as JSON would give it: a bare key is True, a quoted value a string,
    a number a float, any other token a string."""
    keys = {} if into is None else into
    for item in _split(payload, ","):
        key, *rest = _split(item.strip(), "=")
        key = key.strip()
        if not key:
            continue
        if not rest:
            keys[key] = True
            continue
        value = "=".join(rest).strip()
        if value.startswith('"'):
            keys[key] = _unquote(value)
            continue
        try:
            keys[key] = float(value)
        except ValueError:
            keys[key] = value
    return keys


def request_keys(query: str | None, headers: Mapping[str, str]) -> dict[str, Any] | None:
    """CMCD keys from a request's ``CMCD`` query value and ``CMCD-*`` headers (lower-case names);
    None when it carries none."""
    keys: dict[str, Any] = {}
    if query:
        parse_payload(query, keys)
    for name in HEADERS:
        if headers.get(name):
            parse_payload(headers[name], keys)
    return keys or None


def collector_reports(method: str, body: bytes, query: str | None,
                      headers: Mapping[str, str]) -> list[dict[str, Any]]:
    """The reports in a collector request, as Owncast's parseCmcdReports finds them.

    A POSTed object gets the request's own CMCD keys merged in; an array gets them as one more
    report; entries of an array that are not objects are skipped. An empty list means no report.

    Raises:
        CmcdError: a POST body that is not JSON.
    """
    from_request = request_keys(query, headers)
    if method == "POST" and body.strip():
        try:
            payload = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise CmcdError(f"the body is not JSON: {exc}") from None
        if isinstance(payload, list):
            reports = [entry for entry in payload if isinstance(entry, dict)]
            return reports + ([from_request] if from_request else [])
        if isinstance(payload, dict):
            return [{**payload, **(from_request or {})}]
        return []
    return [from_request] if from_request else []


def _number(keys: Mapping[str, Any], name: str) -> float:
    value = keys.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        return 0.0
    return float(value)


def to_report(keys: Mapping[str, Any], fallback_client: str) -> PlaybackReport:
    """The measurements Owncast's registerCMCDKeys takes from one report. Every report counts for
    errors (0 when none), so healthy players stay in the health overview's denominator."""
    sid, state = keys.get("sid"), keys.get("sta")
    errors = 0.0
    if keys.get("bs") is True:
        errors += 1  # buffer starvation
    if keys.get("e") == "e":
        errors += 1  # a fatal error event
    return PlaybackReport(
        client_id=sid if isinstance(sid, str) and sid else fallback_client,
        bandwidth_kbps=_number(keys, "mtp"),
        latency_seconds=_number(keys, "ltc") / 1000,
        download_seconds=_number(keys, "ttlb") / 1000,
        bitrate_kbps=_number(keys, "br"),
        errors=errors,
        viewer_id=fallback_client,
        player_state=state if isinstance(state, str) else "",
    )
