"""AMF0: wire tables both ways, decode-only forms, garbage, and Hypothesis round trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from owncast_cli.protocols import amf0
from owncast_cli.protocols.amf0 import (
    UNDEFINED,
    AMF0Date,
    AMF0DecodeError,
    ECMAArray,
    TypedObject,
    XMLDocument,
)

ONE = "3ff0000000000000"  # 1.0 as a big-endian double

# (value, canonical wire bytes as hex): encode gives the bytes, decode gives the value back.
CANONICAL: list[tuple[Any, str]] = [
    (0.0, "00 0000000000000000"),
    (1.5, "00 3ff8000000000000"),
    (-2.0, "00 c000000000000000"),
    (True, "01 01"),
    (False, "01 00"),
    ("", "02 0000"),
    ("abc", "02 0003 616263"),
    ("é", "02 0002 c3a9"),
    (None, "05"),
    (UNDEFINED, "06"),
    ({}, "03 0000 09"),
    ({"a": 1.0}, f"03 0001 61 00{ONE} 0000 09"),
    ({"a": {"b": None}}, "03 0001 61 03 0001 62 05 000009 000009"),
    (ECMAArray({"b": True}), "08 00000001 0001 62 0101 0000 09"),
    ([], "0a 00000000"),
    ([1.0, "x"], f"0a 00000002 00{ONE} 02 0001 78"),
    (AMF0Date(1.0, 0), f"0b {ONE} 0000"),
    (AMF0Date(0.0, -60), "0b 0000000000000000 ffc4"),
    (XMLDocument("<a/>"), "0f 00000004 3c612f3e"),
    (TypedObject("C", {"k": None}), "10 0001 43 0001 6b 05 0000 09"),
]


@pytest.mark.parametrize(("value", "wire"), CANONICAL)
def test_canonical_both_ways(value: Any, wire: str) -> None:
    raw = bytes.fromhex(wire)
    assert amf0.encode(value) == raw
    decoded = amf0.decode(raw)
    assert decoded == value
    assert type(decoded) is type(value)
    assert amf0.encode(decoded) == raw


def test_long_string_both_ways() -> None:
    text = "x" * 65536  # AMF0 spec 2.14: one byte too long for a plain string
    raw = b"\x0c\x00\x01\x00\x00" + text.encode()
    assert amf0.encode(text) == raw
    assert amf0.decode(raw) == text
    assert amf0.encode("x" * 65535)[:3] == b"\x02\xff\xff"


# Non-canonical input that must still decode.
DECODE_ONLY: list[tuple[str, Any]] = [
    ("0c 00000001 61", "a"),  # a long string holding a short text
    ("08 00000005 0001 62 0101 0000 09", ECMAArray({"b": True})),  # wrong advisory count
    ("08 00000001 0001 62 0101", ECMAArray({"b": True})),  # ECMA array cut at the end
    ("01 07", True),  # any non-zero boolean byte is true
]


@pytest.mark.parametrize(("wire", "value"), DECODE_ONLY)
def test_decode_only(wire: str, value: Any) -> None:
    assert amf0.decode(bytes.fromhex(wire)) == value


def test_reference_points_at_an_earlier_object() -> None:
    # AMF0 spec 2.9: reference 1 is the second complex value (index 0 is the array itself).
    decoded = amf0.decode(bytes.fromhex("0a 00000002 03 0001 61 05 000009 07 0001"))
    assert decoded == [{"a": None}, {"a": None}]
    assert decoded[0] is decoded[1]


def test_decode_all_reports_offsets() -> None:
    raw = amf0.encode_all("@setDataFrame", "onMetaData", ECMAArray({"w": 1.0}))
    values, offsets = amf0.decode_all(raw)
    assert values == ["@setDataFrame", "onMetaData", {"w": 1.0}]
    assert offsets == [0, 16, 29]


GARBAGE = [
    "",
    "00 0000",  # truncated number
    "02 0005 6162",  # truncated string
    "02 0002 fffe",  # invalid UTF-8
    "03 0001 61",  # object cut after a key
    "04", "0d", "0e", "11",  # reserved, unsupported, AMF3 switch
    "07 0000",  # reference with nothing to refer to
    "0a ffffffff",  # strict array count beyond the message
    "0b 00",  # truncated date
    "10 0001",  # truncated class name
    "0a00000001" * 100 + "05",  # nested too deeply
    "ff",
]


@pytest.mark.parametrize("wire", GARBAGE)
def test_garbage_raises_decode_error(wire: str) -> None:
    with pytest.raises(AMF0DecodeError):
        amf0.decode(bytes.fromhex(wire))


def test_trailing_bytes_are_an_error_for_decode() -> None:
    with pytest.raises(AMF0DecodeError):
        amf0.decode(b"\x05\x05")


def test_unencodable_values() -> None:
    with pytest.raises(TypeError):
        amf0.encode(object())
    with pytest.raises(TypeError):
        amf0.encode({1: 2})


amf0_values = st.recursive(
    st.none()
    | st.just(UNDEFINED)
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | st.builds(AMF0Date, st.floats(allow_nan=False), st.integers(-32768, 32767))
    | st.builds(XMLDocument, st.text(max_size=20)),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(max_size=10), children, max_size=5)
        | st.dictionaries(st.text(max_size=10), children, max_size=5).map(ECMAArray)
        | st.builds(TypedObject, st.text(max_size=8),
                    st.dictionaries(st.text(max_size=8), children, max_size=3))
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(amf0_values)
def test_round_trip(value: Any) -> None:
    raw = amf0.encode(value)
    decoded = amf0.decode(raw)
    assert decoded == value
    assert amf0.encode(decoded) == raw


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_only_raise_decode_error(raw: bytes) -> None:
    try:
        amf0.decode_all(raw)
    except AMF0DecodeError:
        pass
