"""AMF0 command messages (RTMP spec 7.1.1, 7.2): parsing them and building the replies."""

from __future__ import annotations

import math
from typing import Any, Final, NamedTuple

from .. import amf0
from .errors import RTMPProtocolError

__all__ = [
    "Command",
    "FMS_VERSION",
    "connect_result",
    "error",
    "on_fc_publish",
    "on_status",
    "parse_command",
    "result",
]

# What nginx-rtmp and SRS announce; some clients look at the major version.
FMS_VERSION: Final = "FMS/3,0,1,123"
# RTMP spec 7.2.1.1 leaves capabilities opaque; 31 is what FMS and nginx-rtmp send.
CAPABILITIES: Final = 31.0


class Command(NamedTuple):
    """A decoded command: name, transaction id, command object and the remaining arguments."""

    name: str
    transaction: float
    object: Any
    args: list[Any]

    def arg_str(self, index: int, default: str = "") -> str:
        """Argument `index` if it is a string, else `default`."""
        value = self.args[index] if index < len(self.args) else None
        return value if isinstance(value, str) else default

    def arg_int(self, index: int, default: int = 0) -> int:
        """Argument `index` if it is a finite number, as an int, else `default`."""
        value = self.args[index] if index < len(self.args) else None
        if isinstance(value, float) and math.isfinite(value) and 0 <= value <= 0xFFFFFFFF:
            return int(value)
        return default


def parse_command(body: bytes, offset: int = 0) -> Command:
    """Decode a command message body: name, transaction id, command object, arguments.

    Raises:
        RTMPProtocolError: the body is not AMF0 or does not start with a name.
    """
    try:
        values, _ = amf0.decode_all(body, offset)
    except amf0.AMF0DecodeError as exc:
        raise RTMPProtocolError(f"malformed command message: {exc}") from exc
    if not values or not isinstance(values[0], str):
        raise RTMPProtocolError("command message does not start with a command name")
    transaction = values[1] if len(values) > 1 else 0.0
    if not isinstance(transaction, float) or not math.isfinite(transaction):
        transaction = 0.0  # lenient: some clients send null here for notifications
    obj = values[2] if len(values) > 2 else None
    return Command(values[0], transaction, obj, values[3:])


def result(transaction: float, *values: Any) -> bytes:
    """`_result` for a call (RTMP spec 7.2.1.1)."""
    return amf0.encode_all("_result", transaction, *values)


def error(transaction: float, name: str,
          code: str = "NetConnection.Call.Failed") -> bytes:
    """`_error` for a call we do not serve."""
    info = {"level": "error", "code": code, "description": f"Method not found ({name})"}
    return amf0.encode_all("_error", transaction, None, info)


def connect_result(transaction: float, object_encoding: float) -> bytes:
    """The `_result` for `connect` (RTMP spec 7.2.1.1), shaped like nginx-rtmp's."""
    properties = {"fmsVer": FMS_VERSION, "capabilities": CAPABILITIES}
    information = {
        "level": "status",
        "code": "NetConnection.Connect.Success",
        "description": "Connection succeeded.",
        "objectEncoding": object_encoding,
    }
    return result(transaction, properties, information)


def on_status(level: str, code: str, description: str, **extra: Any) -> bytes:
    """`onStatus` (RTMP spec 7.2.2): a NetStream notification, transaction id 0."""
    info = {"level": level, "code": code, "description": description, **extra}
    return amf0.encode_all("onStatus", 0.0, None, info)


def on_fc_publish(stream_name: str) -> bytes:
    """`onFCPublish`: the FMS-era answer to FCPublish that FMLE-style encoders expect."""
    info = {"code": "NetStream.Publish.Start", "description": stream_name}
    return amf0.encode_all("onFCPublish", 0.0, None, info)
