"""The one exception the RTMP protocol code raises for bad input from the peer."""

from __future__ import annotations

__all__ = ["RTMPProtocolError"]


class RTMPProtocolError(Exception):
    """The peer sent bytes that break the RTMP protocol; the connection cannot go on."""
