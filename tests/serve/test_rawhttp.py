"""The fast lane's request recogniser: plain HLS fetches are parsed, everything else is handed off."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from owncast_cli.serve import rawhttp


def test_plain_get():
    request = rawhttp.parse_head(b"GET /hls/0/stream.m3u8?t=1 HTTP/1.1\r\nHost: x\r\nUser-Agent:  VLC/3 \r\n"
                                 b"Accept: a\r\naccept: b")
    assert request == rawhttp.Request("GET", "0/stream.m3u8", {"host": "x", "user-agent": "VLC/3", "accept": "a, b"},
                                      keep_alive=True)


@pytest.mark.parametrize("head, keep_alive", [
    (b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nConnection: close", False),
    (b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Close", False),
    (b"HEAD /hls/a.ts HTTP/1.1\r\nHost: x", True),
    (b"GET /hls/a.ts HTTP/1.0", False),
    (b"GET /hls/a.ts HTTP/1.0\r\nConnection: keep-alive", False),
    (b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nContent-Length: 0", True),
])
def test_keep_alive(head, keep_alive):
    request = rawhttp.parse_head(head)
    assert request is not None and request.keep_alive is keep_alive


@pytest.mark.parametrize("head", [
    b"POST /hls/a.ts HTTP/1.1\r\nHost: x",
    b"GET /api/status HTTP/1.1\r\nHost: x",
    b"GET /hls HTTP/1.1\r\nHost: x",
    b"GET http://x/hls/a.ts HTTP/1.1\r\nHost: x",
    b"GET /hls/a.ts HTTP/2.0\r\nHost: x",
    b"PRI * HTTP/2.0",
    b"GET /hls/a.ts HTTP/1.1",  # no Host
    b"GET  /hls/a.ts HTTP/1.1\r\nHost: x",
    b"GET /hls/a b.ts HTTP/1.1\r\nHost: x",
    b"GET /hls/\xff.ts HTTP/1.1\r\nHost: x",
    b"GET /hls/a.ts HTTP/1.1\r\nHost : x",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\n folded",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nnocolon",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nX: a\x00b",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nX: a\nb",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nContent-Length: 5",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nUpgrade: h2c",
    b"GET /hls/a.ts HTTP/1.1\r\nHost: x\r\nExpect: 100-continue",
])
def test_handed_off(head):
    assert rawhttp.parse_head(head) is None


@pytest.mark.parametrize("start, ours", [
    (b"", True), (b"G", True), (b"GET /h", True), (b"HEAD /hls/0/x", True), (b"GET /hls/x", True),
    (b"GET /api", False), (b"POST", False), (b"PRI * HTTP/2.0", False), (b"\x16\x03\x01", False),
    (b"GET /hl/", False),
])
def test_might_be_ours(start, ours):
    assert rawhttp.might_be_ours(start) is ours


@given(st.binary(max_size=300))
def test_garbage_never_crashes(data):
    request = rawhttp.parse_head(data)
    assert request is None or request.method in ("GET", "HEAD")


def test_response_head():
    head = rawhttp.response_head(206, {"Content-Length": "3"}, date="D", keep_alive=False)
    assert head == (b"HTTP/1.1 206 Partial Content\r\nDate: D\r\nServer: owncast\r\nContent-Length: 3\r\n"
                    b"Connection: close\r\n\r\n")
