"""Implicit conversions along data connections and the explicit *_TO_* conversions."""

from __future__ import annotations

import math
from typing import Any

import pytest

from fbruntime.iec import (
    ELEMENTARY_TYPES,
    ConnectionTypeError,
    GenericType,
    IecTypeError,
    StructType,
    array_of,
    elementary,
    explicit_convert,
    implicit_conversion,
    is_widening,
)

S = 1_000_000_000
MS = 1_000_000
DAY = 86_400 * S

#: Every implicit conversion fbrt allows (FORTE's up-cast table less LWORD -> REAL).
WIDENINGS = {
    "BOOL": "SINT INT DINT LINT USINT UINT UDINT ULINT BYTE WORD DWORD LWORD REAL LREAL",
    "SINT": "INT DINT LINT BYTE WORD DWORD LWORD REAL LREAL",
    "INT": "DINT LINT WORD DWORD LWORD REAL LREAL",
    "DINT": "LINT DWORD LWORD LREAL",
    "LINT": "LWORD",
    "USINT": "INT DINT LINT UINT UDINT ULINT BYTE WORD DWORD LWORD REAL LREAL",
    "UINT": "DINT LINT UDINT ULINT WORD DWORD LWORD REAL LREAL",
    "UDINT": "LINT ULINT DWORD LWORD LREAL",
    "ULINT": "LWORD",
    "BYTE": "SINT INT DINT LINT USINT UINT UDINT ULINT WORD DWORD LWORD",
    "WORD": "INT DINT LINT UINT UDINT ULINT DWORD LWORD",
    "DWORD": "DINT LINT UDINT ULINT LWORD REAL",
    "LWORD": "LINT ULINT LREAL",
    "REAL": "DWORD LWORD LREAL",
    "LREAL": "LWORD",
    "TIME": "LTIME",
    "DATE": "LDATE",
    "TIME_OF_DAY": "LTOD",
    "DATE_AND_TIME": "LDT",
    "CHAR": "STRING",
    "WCHAR": "WSTRING",
}

PAIRS = [(a, b) for a in ELEMENTARY_TYPES for b in ELEMENTARY_TYPES if a != b]


@pytest.mark.parametrize(("src", "dst"), PAIRS)
def test_implicit_conversion_matrix(src: str, dst: str) -> None:
    allowed = dst in WIDENINGS.get(src, "").split()
    s, d = elementary(src), elementary(dst)
    assert is_widening(s, d) is allowed
    if allowed:
        implicit_conversion(s, d)
    else:
        with pytest.raises(ConnectionTypeError) as info:
            implicit_conversion(s, d)
        assert info.value.source == src
        assert info.value.destination == dst
        assert str(info.value).startswith(f"cannot connect {src} to {dst}: ")


@pytest.mark.parametrize(
    ("src", "dst", "message"),
    [
        (
            "DINT",
            "INT",
            "cannot connect DINT to INT: narrowing conversion, DINT values may not fit in INT",
        ),
        (
            "LREAL",
            "REAL",
            "cannot connect LREAL to REAL: narrowing conversion, LREAL values may not fit in REAL",
        ),
        (
            "LWORD",
            "REAL",
            "cannot connect LWORD to REAL: narrowing conversion, LWORD values may not fit in REAL",
        ),
        ("LTIME", "TIME", "cannot connect LTIME to TIME: narrowing conversion from LTIME to TIME"),
        (
            "STRING",
            "CHAR",
            "cannot connect STRING to CHAR: narrowing conversion from STRING to CHAR",
        ),
        ("STRING", "WSTRING", "cannot connect STRING to WSTRING: incompatible types"),
        ("TIME", "DINT", "cannot connect TIME to DINT: incompatible types"),
        ("INT", "STRING", "cannot connect INT to STRING: incompatible types"),
    ],
)
def test_refused_connection_says_why(src: str, dst: str, message: str) -> None:
    with pytest.raises(ConnectionTypeError) as info:
        implicit_conversion(elementary(src), elementary(dst))
    assert str(info.value) == message
    assert isinstance(info.value, IecTypeError)


@pytest.mark.parametrize(
    ("src", "dst", "value", "result"),
    [
        ("INT", "DINT", -5, -5),
        ("TIME", "LTIME", S, S),
        ("CHAR", "STRING", "a", "a"),
        ("USINT", "UINT", 200, 200),
        ("BYTE", "WORD", 255, 255),
        ("BYTE", "INT", 255, 255),
    ],
)
def test_same_representation_needs_no_call(src: str, dst: str, value: Any, result: Any) -> None:
    assert implicit_conversion(elementary(src), elementary(dst)) is None
    assert value == result


@pytest.mark.parametrize(
    ("src", "dst", "value", "result"),
    [
        ("INT", "REAL", 5, 5.0),
        ("DINT", "LREAL", -7, -7.0),
        ("UINT", "REAL", 65535, 65535.0),
        ("BOOL", "INT", True, 1),
        ("BOOL", "LREAL", True, 1.0),
        ("SINT", "BYTE", -1, 255),
        ("SINT", "WORD", -1, 255),
        ("INT", "DWORD", -2, 65534),
        ("BYTE", "SINT", 255, -1),
        ("WORD", "INT", 0x8000, -32768),
        ("DWORD", "REAL", 0x3F800000, 1.0),
        ("REAL", "DWORD", 1.0, 0x3F800000),
        ("REAL", "LWORD", -2.0, 0xC0000000),
        ("LREAL", "LWORD", 1.0, 0x3FF0000000000000),
        ("LWORD", "LREAL", 0x4000000000000000, 2.0),
    ],
)
def test_implicit_conversion_converts(src: str, dst: str, value: Any, result: Any) -> None:
    convert = implicit_conversion(elementary(src), elementary(dst))
    assert convert is not None
    got = convert(value)
    assert got == result
    assert type(got) is type(result)


def test_int_to_real_connection_rounds_to_binary32() -> None:
    convert = implicit_conversion(elementary("UINT"), elementary("REAL"))
    assert convert is not None
    assert convert(16777217 % 65536) == 1.0
    convert = implicit_conversion(elementary("DWORD"), elementary("REAL"))
    assert convert is not None
    assert convert(0x3DCCCCCD) == 0.10000000149011612


def test_generic_destination_accepts_its_family() -> None:
    assert implicit_conversion(elementary("INT"), GenericType("ANY_NUM")) is None
    assert implicit_conversion(elementary("STRING"), GenericType("ANY")) is None
    with pytest.raises(
        ConnectionTypeError,
        match="cannot connect STRING to ANY_NUM: ANY_NUM does not accept STRING",
    ):
        implicit_conversion(elementary("STRING"), GenericType("ANY_NUM"))


def test_generic_source_connects_to_a_member_of_its_family() -> None:
    assert implicit_conversion(GenericType("ANY"), elementary("INT")) is None
    assert implicit_conversion(GenericType("ANY_INT"), GenericType("ANY_NUM")) is None
    with pytest.raises(ConnectionTypeError, match="TIME is not one of ANY_NUM"):
        implicit_conversion(GenericType("ANY_NUM"), elementary("TIME"))


def test_arrays_connect_with_same_element_type_and_size() -> None:
    a = array_of(elementary("INT"), 0, 3)
    assert implicit_conversion(a, array_of(elementary("INT"), 1, 4)) is None
    with pytest.raises(ConnectionTypeError, match="arrays must have the same element type"):
        implicit_conversion(a, array_of(elementary("DINT"), 0, 3))
    with pytest.raises(ConnectionTypeError, match="arrays must have the same size"):
        implicit_conversion(a, array_of(elementary("INT"), 0, 4))


def test_structs_connect_only_to_the_same_struct_type() -> None:
    p = StructType("P", (("X", elementary("INT"), None),))
    q = StructType("Q", (("X", elementary("INT"), None),))
    assert implicit_conversion(p, StructType("P", (("X", elementary("INT"), None),))) is None
    with pytest.raises(
        ConnectionTypeError, match="cannot connect P to Q: structs must be of the same type"
    ):
        implicit_conversion(p, q)
    with pytest.raises(ConnectionTypeError, match="cannot connect P to INT: incompatible types"):
        implicit_conversion(p, elementary("INT"))


@pytest.mark.parametrize(
    ("src", "dst", "value", "result"),
    [
        ("REAL", "INT", 2.5, 2),
        ("REAL", "INT", 3.5, 4),
        ("REAL", "INT", -2.5, -2),
        ("LREAL", "DINT", 1.7, 2),
        ("LREAL", "SINT", 200.0, -56),
        ("LREAL", "UDINT", -1.0, 2**32 - 1),
        ("LREAL", "INT", math.nan, 0),
        ("REAL", "DWORD", 1.0, 0x3F800000),
        ("DWORD", "REAL", 0x3F800000, 1.0),
        ("LREAL", "REAL", 0.1, 0.10000000149011612),
        ("DINT", "INT", 70000, 4464),
        ("INT", "USINT", -1, 255),
        ("INT", "DWORD", -1, 65535),
        ("INT", "LINT", -1, -1),
        ("UINT", "INT", 65535, -1),
        ("BYTE", "WORD", 255, 255),
        ("LWORD", "BYTE", 0x1234, 0x34),
        ("WORD", "SINT", 0xFF, -1),
        ("DINT", "REAL", 16777217, 16777216.0),
        ("INT", "BOOL", 2, True),
        ("REAL", "BOOL", 0.0, False),
        ("BOOL", "INT", True, 1),
        ("BOOL", "REAL", True, 1.0),
        ("INT", "STRING", -5, "-5"),
        ("REAL", "STRING", 1.5, "1.5"),
        ("BOOL", "STRING", True, "TRUE"),
        ("TIME", "STRING", 1500 * MS, "T#1s500ms"),
        ("DATE", "WSTRING", 19753 * DAY, "D#2024-01-31"),
        ("WSTRING", "STRING", "a\u20acb", "a?b"),
        ("STRING", "WSTRING", "abc", "abc"),
        ("CHAR", "STRING", "x", "x"),
        ("STRING", "INT", " 42 ", 42),
        ("STRING", "INT", "16#FF", 255),
        ("STRING", "INT", "nonsense", 0),
        ("STRING", "REAL", "1.5", 1.5),
        ("STRING", "BOOL", "TRUE", True),
        ("STRING", "TIME", "T#2s", 2 * S),
        ("STRING", "CHAR", "xyz", "x"),
        ("STRING", "CHAR", "", "\x00"),
        ("CHAR", "BYTE", "A", 65),
        ("BYTE", "CHAR", 66, "B"),
        ("CHAR", "WCHAR", "A", "A"),
        ("TIME", "DINT", 1500 * MS, 1500),
        ("TIME", "DINT", -1500 * MS - 1, -1500),
        ("TIME", "REAL", 2500 * MS, 2500.0),
        ("DINT", "TIME", 1500, 1500 * MS),
        ("LREAL", "TIME", 0.5, 500_000),
        ("TIME", "LTIME", 5, 5),
        ("LTIME", "TIME", 5, 5),
        ("DT", "DATE", 19753 * DAY + 45000 * S, 19753 * DAY),
        ("DT", "TOD", 19753 * DAY + 45000 * S, 45000 * S),
        ("LDT", "DT", 7, 7),
        ("DATE", "DT", DAY, DAY),
    ],
)
def test_explicit_conversion(src: str, dst: str, value: Any, result: Any) -> None:
    got = explicit_convert(elementary(src), elementary(dst), value)
    assert got == result
    assert type(got) is type(result)


@pytest.mark.parametrize(("src", "dst"), [("TOD", "DATE"), ("DATE", "INT"), ("DINT", "DT")])
def test_explicit_conversion_without_meaning_is_refused(src: str, dst: str) -> None:
    with pytest.raises(IecTypeError, match=f"no conversion from {elementary(src).name}"):
        explicit_convert(elementary(src), elementary(dst), 0)


def test_explicit_conversion_of_aggregates_copies_same_type_only() -> None:
    a = array_of(elementary("INT"), 0, 1)
    value = [1, 2]
    copied = explicit_convert(a, a, value)
    assert copied == value
    assert copied is not value
    with pytest.raises(IecTypeError):
        explicit_convert(a, array_of(elementary("DINT"), 0, 1), value)
