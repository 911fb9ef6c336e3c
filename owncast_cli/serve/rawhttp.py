"""Sans-IO HTTP/1.x for the HLS fast lane: recognise a plain GET/HEAD head, format a response head.

The fast lane answers only requests it understands completely; :func:`parse_head` returns None for
anything else (another method or path, a body, an upgrade to websocket or h2c, the HTTP/2 preface,
a malformed or unusual head) and the connection goes to hypercorn, whose h11 parser then gives the
full answer, 400s included. So this parser may be strict and small: it never has to produce errors.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.utils import formatdate
from typing import Final

#: A request head larger than this is not ours (hypercorn answers it, with 431 or 400).
MAX_HEAD: Final = 16 * 1024
#: The prefixes a fast-lane request starts with; any other first bytes are handed off at once.
PREFIXES: Final = (b"GET /hls/", b"HEAD /hls/")
#: RFC 9110 5.6.2 token characters: a header name.
_TOKEN: Final = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: RFC 9110 5.5: control characters other than HTAB are not allowed in a field value.
_BAD_VALUE: Final = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
#: The request target: printable ASCII without spaces (RFC 9112 3.2, origin-form).
_TARGET: Final = re.compile(rb"/hls/[\x21-\x7e]*")
_REASONS: Final = {200: "OK", 206: "Partial Content", 304: "Not Modified", 404: "Not Found",
                   416: "Range Not Satisfiable", 503: "Service Unavailable"}


@dataclass(frozen=True)
class Request:
    """A bodyless GET or HEAD below ``/hls/``."""

    method: str
    #: The path below ``/hls/``, still percent-encoded, without the query.
    relative: str
    #: Lower-case names; repeated fields joined with ", " (RFC 9110 5.3).
    headers: dict[str, str]
    keep_alive: bool


def might_be_ours(buffer: bytes | bytearray) -> bool:
    """False as soon as the first bytes rule out a fast-lane request (hand off without waiting)."""
    start = bytes(buffer[:10])
    return any(prefix.startswith(start) or start.startswith(prefix) for prefix in PREFIXES)


def parse_head(head: bytes) -> Request | None:
    """The request in ``head`` (without the final blank line) if the fast lane may answer it.

    Returns None when the request is not ours or not plain (see the module docstring).
    """
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    if len(parts) != 3:
        return None
    method, target, version = parts
    if method not in (b"GET", b"HEAD") or version not in (b"HTTP/1.1", b"HTTP/1.0"):
        return None
    if not _TARGET.fullmatch(target):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            return None  # no colon, space before it, or an obs-fold continuation line
        value = value.strip(b" \t")
        if _BAD_VALUE.search(value):
            return None
        key = name.decode("ascii").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]}, {text}" if key in headers else text
    if "transfer-encoding" in headers or headers.get("content-length", "0") != "0":
        return None  # a body: not a plain GET
    if "upgrade" in headers or "expect" in headers:
        return None  # websocket, h2c, 100-continue: hypercorn's
    http11 = version == b"HTTP/1.1"
    if http11 and "host" not in headers:
        return None  # RFC 9112 3.2: hypercorn answers 400
    tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
    keep_alive = http11 and "close" not in tokens  # HTTP/1.0 clients get one response
    path = target.partition(b"?")[0].decode("ascii")
    return Request(method.decode("ascii"), path[len("/hls/"):], headers, keep_alive)


class DateCache:
    """RFC 9110 6.6.1 ``Date``, formatted once a second (it is on every response)."""

    def __init__(self) -> None:
        self._second = -1
        self._value = ""

    def now(self) -> str:
        second = int(time.time())
        if second != self._second:
            self._second, self._value = second, formatdate(second, usegmt=True)
        return self._value


def response_head(status: int, headers: dict[str, str], *, date: str, keep_alive: bool) -> bytes:
    """The status line and header block of a response, ending with the blank line."""
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}", f"Date: {date}", "Server: owncast"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
