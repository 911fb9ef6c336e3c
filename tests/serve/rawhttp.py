"""A raw HTTP/1.1 request, for paths an HTTP client library would normalise (``..``)."""

from __future__ import annotations

import socket
from urllib.parse import urlparse


def raw_get(base_url: str, target: str, timeout: float = 5) -> tuple[int, bytes]:
    """Send ``GET target`` exactly as given; return (status, body) once Content-Length is read."""
    url = urlparse(base_url)
    with socket.create_connection((url.hostname, url.port), timeout=timeout) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed before the response head: {data!r}")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split(" ", 2)[1]), body
