"""AMF0 (Action Message Format 0) encoding and decoding, per Adobe's AMF0 specification."""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Final

__all__ = [
    "AMF0Date",
    "AMF0DecodeError",
    "ECMAArray",
    "Marker",
    "TypedObject",
    "UNDEFINED",
    "Undefined",
    "XMLDocument",
    "decode",
    "decode_all",
    "decode_value",
    "encode",
    "encode_all",
    "is_integral",
]


class AMF0DecodeError(ValueError):
    """The bytes are not valid AMF0."""


class Marker(IntEnum):
    """AMF0 spec 2.1: the type marker byte that starts every value."""

    NUMBER = 0x00
    BOOLEAN = 0x01
    STRING = 0x02
    OBJECT = 0x03
    MOVIECLIP = 0x04  # reserved, not supported
    NULL = 0x05
    UNDEFINED = 0x06
    REFERENCE = 0x07
    ECMA_ARRAY = 0x08
    OBJECT_END = 0x09
    STRICT_ARRAY = 0x0A
    DATE = 0x0B
    LONG_STRING = 0x0C
    UNSUPPORTED = 0x0D
    RECORDSET = 0x0E  # reserved, not supported
    XML_DOCUMENT = 0x0F
    TYPED_OBJECT = 0x10
    AVMPLUS_OBJECT = 0x11  # switch to AMF3: not supported inside AMF0


class Undefined:
    """The AMF0 `undefined` value (distinct from `null`, which is None)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = Undefined()


class ECMAArray(dict[str, Any]):
    """An associative array (AMF0 spec 2.10); onMetaData usually carries one."""


class XMLDocument(str):
    """An XML document (AMF0 spec 2.17), kept as its text."""


@dataclass(frozen=True)
class AMF0Date:
    """AMF0 spec 2.13: milliseconds since the epoch (UTC) and a time zone that should be 0."""

    milliseconds: float
    timezone: int = 0


@dataclass(frozen=True)
class TypedObject:
    """AMF0 spec 2.18: an object with a registered class name."""

    class_name: str
    properties: dict[str, Any] = field(default_factory=dict)


_DOUBLE: Final = struct.Struct(">d")
_U16: Final = struct.Struct(">H")
_U32: Final = struct.Struct(">I")
_DATE: Final = struct.Struct(">dh")
_OBJECT_END: Final = b"\x00\x00\x09"
# Why a depth limit: nested arrays cost one byte each, so without it a short message would
# exhaust Python's recursion limit.
MAX_DEPTH: Final = 64


def _encode_key(key: str) -> bytes:
    raw = key.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise ValueError("AMF0 property names are limited to 65535 bytes")
    return _U16.pack(len(raw)) + raw


def _encode_properties(properties: dict[str, Any], out: bytearray) -> None:
    for key, value in properties.items():
        if not isinstance(key, str):
            raise TypeError(f"AMF0 property names must be str, not {type(key).__name__}")
        out += _encode_key(key)
        _encode_into(value, out)
    out += _OBJECT_END


def _encode_into(value: Any, out: bytearray) -> None:
    # Order matters: bool is an int, ECMAArray is a dict, XMLDocument is a str.
    if value is None:
        out.append(Marker.NULL)
    elif value is UNDEFINED:
        out.append(Marker.UNDEFINED)
    elif isinstance(value, bool):
        out += bytes((Marker.BOOLEAN, 1 if value else 0))
    elif isinstance(value, (int, float)):
        out.append(Marker.NUMBER)
        out += _DOUBLE.pack(float(value))
    elif isinstance(value, XMLDocument):
        raw = value.encode("utf-8")
        out.append(Marker.XML_DOCUMENT)
        out += _U32.pack(len(raw)) + raw
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        # AMF0 spec 2.14: strings longer than 65535 bytes need the long string form.
        if len(raw) <= 0xFFFF:
            out.append(Marker.STRING)
            out += _U16.pack(len(raw)) + raw
        else:
            out.append(Marker.LONG_STRING)
            out += _U32.pack(len(raw)) + raw
    elif isinstance(value, ECMAArray):
        out.append(Marker.ECMA_ARRAY)
        out += _U32.pack(len(value))
        _encode_properties(value, out)
    elif isinstance(value, dict):
        out.append(Marker.OBJECT)
        _encode_properties(value, out)
    elif isinstance(value, (list, tuple)):
        out.append(Marker.STRICT_ARRAY)
        out += _U32.pack(len(value))
        for item in value:
            _encode_into(item, out)
    elif isinstance(value, AMF0Date):
        out.append(Marker.DATE)
        out += _DATE.pack(value.milliseconds, value.timezone)
    elif isinstance(value, TypedObject):
        out.append(Marker.TYPED_OBJECT)
        out += _encode_key(value.class_name)
        _encode_properties(value.properties, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


def encode(value: Any) -> bytes:
    """Encode one Python value as AMF0.

    Args:
        value: None (null), UNDEFINED, bool, int/float (number), str (string or long string),
            dict (object), ECMAArray, list/tuple (strict array), AMF0Date, XMLDocument,
            TypedObject, nested freely.

    Returns:
        The AMF0 bytes.
    """
    out = bytearray()
    _encode_into(value, out)
    return bytes(out)


def encode_all(*values: Any) -> bytes:
    """Encode several values back to back, as a command or data message body holds them."""
    out = bytearray()
    for value in values:
        _encode_into(value, out)
    return bytes(out)


class _Decoder:
    """One pass over a buffer; keeps the reference table of AMF0 spec 2.9."""

    __slots__ = ("data", "references")

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self.data = bytes(data)
        self.references: list[Any] = []

    def _need(self, offset: int, size: int) -> None:
        if offset + size > len(self.data):
            raise AMF0DecodeError(f"truncated AMF0: need {size} bytes at offset {offset}")

    def _text(self, offset: int, size: int) -> str:
        self._need(offset, size)
        try:
            return self.data[offset : offset + size].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AMF0DecodeError(f"invalid UTF-8 in AMF0 string at offset {offset}") from exc

    def _short_text(self, offset: int) -> tuple[str, int]:
        self._need(offset, 2)
        size = _U16.unpack_from(self.data, offset)[0]
        return self._text(offset + 2, size), offset + 2 + size

    def _long_text(self, offset: int) -> tuple[str, int]:
        self._need(offset, 4)
        size = _U32.unpack_from(self.data, offset)[0]
        return self._text(offset + 4, size), offset + 4 + size

    def _properties(
        self, target: dict[str, Any], offset: int, depth: int, *, lenient_end: bool = False
    ) -> int:
        data = self.data
        while True:
            # Some old encoders end an ECMA array at the end of the message without the
            # empty-key + 0x09 terminator; accept that there only.
            if lenient_end and offset == len(data):
                return offset
            key, offset = self._short_text(offset)
            self._need(offset, 1)
            if key == "" and data[offset] == Marker.OBJECT_END:
                return offset + 1
            target[key], offset = self.value(offset, depth + 1)

    def value(self, offset: int, depth: int = 0) -> tuple[Any, int]:
        if depth > MAX_DEPTH:
            raise AMF0DecodeError("AMF0 values nested too deeply")
        self._need(offset, 1)
        marker = self.data[offset]
        offset += 1
        data = self.data
        if marker == Marker.NUMBER:
            self._need(offset, 8)
            return _DOUBLE.unpack_from(data, offset)[0], offset + 8
        if marker == Marker.BOOLEAN:
            self._need(offset, 1)
            return data[offset] != 0, offset + 1
        if marker == Marker.STRING:
            return self._short_text(offset)
        if marker == Marker.LONG_STRING:
            return self._long_text(offset)
        if marker == Marker.NULL:
            return None, offset
        if marker == Marker.UNDEFINED:
            return UNDEFINED, offset
        if marker == Marker.OBJECT:
            obj: dict[str, Any] = {}
            self.references.append(obj)
            return obj, self._properties(obj, offset, depth)
        if marker == Marker.ECMA_ARRAY:
            # AMF0 spec 2.10: the count is advisory; the terminator ends the array.
            self._need(offset, 4)
            array = ECMAArray()
            self.references.append(array)
            return array, self._properties(array, offset + 4, depth, lenient_end=True)
        if marker == Marker.STRICT_ARRAY:
            self._need(offset, 4)
            count = _U32.unpack_from(data, offset)[0]
            offset += 4
            if count > len(data) - offset:  # every value takes at least one byte
                raise AMF0DecodeError(f"strict array of {count} items exceeds the message")
            items: list[Any] = []
            self.references.append(items)
            for _ in range(count):
                item, offset = self.value(offset, depth + 1)
                items.append(item)
            return items, offset
        if marker == Marker.DATE:
            self._need(offset, 10)
            milliseconds, timezone = _DATE.unpack_from(data, offset)
            return AMF0Date(milliseconds, timezone), offset + 10
        if marker == Marker.REFERENCE:
            self._need(offset, 2)
            index = _U16.unpack_from(data, offset)[0]
            if index >= len(self.references):
                raise AMF0DecodeError(f"AMF0 reference {index} to an unknown object")
            return self.references[index], offset + 2
        if marker == Marker.XML_DOCUMENT:
            text, offset = self._long_text(offset)
            return XMLDocument(text), offset
        if marker == Marker.TYPED_OBJECT:
            class_name, offset = self._short_text(offset)
            typed = TypedObject(class_name, {})
            self.references.append(typed)
            return typed, self._properties(typed.properties, offset, depth)
        raise AMF0DecodeError(f"unsupported AMF0 marker 0x{marker:02x} at offset {offset - 1}")


def decode_value(data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[Any, int]:
    """Decode the one value starting at `offset`.

    Returns:
        The value and the offset just past it.

    Raises:
        AMF0DecodeError: the bytes there are not a complete, supported AMF0 value.
    """
    return _Decoder(data).value(offset)


def decode(data: bytes | bytearray | memoryview) -> Any:
    """Decode bytes holding exactly one AMF0 value (trailing bytes are an error)."""
    value, offset = decode_value(data)
    if offset != len(data):
        raise AMF0DecodeError(f"{len(data) - offset} trailing bytes after the AMF0 value")
    return value


def decode_all(
    data: bytes | bytearray | memoryview, offset: int = 0
) -> tuple[list[Any], list[int]]:
    """Decode consecutive values up to the end, sharing one reference table.

    Returns:
        The values, and the offset where each one starts (to slice the original bytes).
    """
    decoder = _Decoder(data)
    values: list[Any] = []
    offsets: list[int] = []
    end = len(decoder.data)
    while offset < end:
        offsets.append(offset)
        value, offset = decoder.value(offset)
        values.append(value)
    return values, offsets


def is_integral(number: float) -> bool:
    """Whether an AMF0 number holds a whole value (useful for ids and codec numbers)."""
    return math.isfinite(number) and number == int(number)
