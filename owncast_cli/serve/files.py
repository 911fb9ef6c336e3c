"""Safe static files: confine paths to a folder, then plan the response (ETag, 304, Range, HEAD).

The plan is pure (no sockets): the Quart routes and the raw HLS lane both send what it says, the
former in large chunks, the latter with ``os.sendfile``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

#: Chunk size for streamed bodies: quart-trio's 8 KiB default caps throughput (~30 MB/s).
CHUNK = 256 * 1024


class Refused(Exception):
    """The path may not be served (traversal, hidden file, not a regular file): answer 404."""


def confine(root: Path, relative: str) -> Path:
    """The file ``relative`` names under ``root``, or :class:`Refused`.

    Refuses ``..`` and ``.`` segments (also when percent-encoded, once or twice), absolute paths,
    backslashes, NUL bytes, hidden names, and symlinks that lead out of ``root``.

    Args:
        root: the served folder.
        relative: the request path below the mount point, as received (may still be encoded).
    Returns:
        The path of an existing regular file inside ``root`` (resolved when it goes through
        symlinks).
    """
    decoded = relative
    for _ in range(3):  # %252e%252e decodes to %2e%2e, then to ..
        step = unquote(decoded)
        if step == decoded:
            break
        decoded = step
    if not decoded or "\x00" in decoded or "\\" in decoded or decoded.startswith("/"):
        raise Refused(relative)
    parts = decoded.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        raise Refused(relative)
    # The common case costs one lstat per component below ``root``: no component is a symlink,
    # so the file is inside ``root`` by construction. A symlink anywhere takes the full check.
    current = str(root)
    info = None
    for part in parts:
        current = f"{current}/{part}"
        try:
            info = os.lstat(current)
        except OSError:
            raise Refused(relative) from None
        if stat.S_ISLNK(info.st_mode):
            return _confine_links(root, decoded, relative)
    if info is None or not stat.S_ISREG(info.st_mode):
        raise Refused(relative)  # no directory listings
    return Path(current)


def _confine_links(root: Path, decoded: str, relative: str) -> Path:
    """:func:`confine` for a path through symlinks: allowed while they stay inside ``root``."""
    base = root.resolve()
    target = (base / decoded).resolve()
    if target != base and base not in target.parents:
        raise Refused(relative)  # a symlink out of the served folder
    try:
        info = target.stat()
    except OSError:
        raise Refused(relative) from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(relative)  # no directory listings
    return target


def etag_for(info: os.stat_result) -> str:
    """A strong validator from inode, size and mtime: changes whenever the file is replaced."""
    return f'"{info.st_ino:x}-{info.st_size:x}-{info.st_mtime_ns:x}"'


@dataclass
class FilePlan:
    """What to send: status, headers, and the byte range of ``path`` (empty for 304/416/HEAD)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    offset: int = 0
    length: int = 0


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The single byte range ``header`` asks for, as (offset, length), clipped to ``size``.

    Returns None when the header is not a single ``bytes=`` range we can honour (the caller then
    sends the whole file, which RFC 9110 14.2 allows); raises ValueError when it is
    unsatisfiable (416).
    """
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if not first:  # suffix range: the last N bytes
            n = int(last)
            if n <= 0:
                raise ValueError("empty suffix range")
            n = min(n, size)
            if size == 0:
                raise ValueError("empty file")
            return size - n, n
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError as exc:
        if "empty" in str(exc):
            raise
        return None  # not numbers: ignore the header
    if start >= size:
        raise ValueError("range starts past the end")
    if end < start:
        return None
    end = min(end, size - 1)
    return start, end - start + 1


def plan(path: Path, *, method: str, headers: dict[str, str], content_type: str,
         cache_control: str, extra: dict[str, str] | None = None,
         info: os.stat_result | None = None) -> FilePlan:
    """Plan the response for ``path``: 200, 206, 304 or 416, honouring HEAD.

    Args:
        path: an existing file (from :func:`confine`).
        method: ``GET`` or ``HEAD``.
        headers: request headers, lower-case names.
        content_type: the Content-Type to send.
        cache_control: the Cache-Control to send.
        extra: more response headers (CORS).
        info: the file's stat, when the caller already holds it open (the ETag and length then
            describe exactly the bytes it will send, even if the path is replaced meanwhile).
    """
    if info is None:
        info = path.stat()
    size = info.st_size
    etag = etag_for(info)
    out = {
        "Content-Type": content_type,
        "Cache-Control": cache_control,
        "ETag": etag,
        "Accept-Ranges": "bytes",
        **(extra or {}),
    }
    inm = headers.get("if-none-match")
    if inm and (inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]):
        return FilePlan(304, out)
    offset, length, status = 0, size, 200
    range_header = headers.get("range")
    if_range = headers.get("if-range")
    if range_header and (not if_range or if_range.strip() == etag):
        try:
            chosen = parse_range(range_header, size)
        except ValueError:
            return FilePlan(416, {**out, "Content-Range": f"bytes */{size}", "Content-Length": "0"})
        if chosen is not None:
            offset, length = chosen
            status = 206
            out["Content-Range"] = f"bytes {offset}-{offset + length - 1}/{size}"
    out["Content-Length"] = str(length)
    if method == "HEAD":
        return FilePlan(status, out)
    return FilePlan(status, out, path, offset, length)


def read_chunks(path: Path, offset: int, length: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """Yield ``length`` bytes of ``path`` from ``offset`` in ``chunk``-sized pieces (sync)."""
    with open(path, "rb", buffering=0) as fh:
        fh.seek(offset)
        left = length
        while left > 0:
            data = fh.read(min(chunk, left))
            if not data:
                return  # the file shrank under us: stop rather than pad
            left -= len(data)
            yield data
