"""Printing values as FORTE does, and reading every printed value back unchanged."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest

from fbruntime.iec import (
    ELEMENTARY_TYPES,
    GenericType,
    IecType,
    StructType,
    array_of,
    elementary,
    format_value,
    int_range,
    parse_literal,
)

S = 1_000_000_000
MS = 1_000_000
DAY = 86_400 * S


@pytest.mark.parametrize(
    ("type_name", "value", "text"),
    [
        ("BOOL", True, "TRUE"),
        ("BOOL", False, "FALSE"),
        ("SINT", -128, "-128"),
        ("ULINT", 2**64 - 1, "18446744073709551615"),
        ("BYTE", 255, "255"),
        ("REAL", 0.10000000149011612, "0.100000001"),
        ("REAL", 1.0, "1.0"),
        ("REAL", 1.5e10, "1.5e+10"),
        ("REAL", -0.0, "-0.0"),
        ("LREAL", 0.1, "0.10000000000000001"),
        ("LREAL", 100.0, "100.0"),
        ("LREAL", math.inf, "inf"),
        ("LREAL", -math.inf, "-inf"),
        ("STRING", "it's", "'it$'s'"),
        ("STRING", "a$b", "'a$$b'"),
        ("STRING", 'say "hi"', "'say \"hi\"'"),
        ("STRING", "\n\f\r\t", "'$N$P$R$T'"),
        ("STRING", "\x00\x7f\xe4", "'$00$7F$E4'"),
        ("WSTRING", 'q"\u20ac', '"q$"\u20ac"'),
        ("WSTRING", "it's\x01", '"it\'s$0001"'),
        ("CHAR", "a", "CHAR#'a'"),
        ("CHAR", "'", "CHAR#'$''"),
        ("CHAR", "\x00", "CHAR#''"),
        ("WCHAR", "\u03a9", 'WCHAR#"\u03a9"'),
        ("TIME", 0, "T#0ns"),
        ("TIME", 1500 * MS, "T#1s500ms"),
        ("TIME", -5 * S, "T#-5s"),
        (
            "TIME",
            DAY + 2 * 3600 * S + 3 * 60 * S + 4 * S + 5 * MS + 6000 + 7,
            "T#1d2h3m4s5ms6us7ns",
        ),
        ("TIME", -(2**63), "T#-106751d23h47m16s854ms775us808ns"),
        ("LTIME", 60 * S, "LT#1m"),
        ("DATE", 19753 * DAY, "D#2024-01-31"),
        ("LDATE", 0, "LD#1970-01-01"),
        ("TOD", 45000 * S + 500 * MS, "TOD#12:30:00.500"),
        ("TOD", 0, "TOD#00:00:00.000"),
        ("TOD", 1000, "TOD#00:00:00.000001"),
        ("LTOD", 1, "LTOD#00:00:00.000000001"),
        ("DT", 19753 * DAY + 45000 * S, "DT#2024-01-31-12:30:00.000"),
        ("LDT", 19753 * DAY + 45000 * S + 7 * MS, "LDT#2024-01-31-12:30:00.007"),
    ],
)
def test_value_is_printed_as_forte_prints_it(type_name: str, value: Any, text: str) -> None:
    t = elementary(type_name)
    assert format_value(t, value) == text
    assert t.format(value) == text


POINT = StructType("Point", (("X", elementary("INT"), None), ("OK", elementary("BOOL"), None)))


def test_aggregates_are_printed_without_spaces() -> None:
    assert format_value(array_of(elementary("INT"), 0, 2), [1, -2, 3]) == "[1,-2,3]"
    assert format_value(POINT, POINT.make(X=1, OK=True)) == "(X:=1,OK:=TRUE)"
    nested = array_of(POINT, 0, 1)
    assert format_value(nested, nested.default()) == "[(X:=0,OK:=FALSE),(X:=0,OK:=FALSE)]"


def test_generic_type_prints_by_the_value() -> None:
    any_t = GenericType("ANY")
    assert format_value(any_t, True) == "TRUE"
    assert format_value(any_t, 5) == "5"
    assert format_value(any_t, "x") == "'x'"
    assert format_value(any_t, [1, 2]) == "[1,2]"


def _edge_values(t: Any) -> list[Any]:
    kind = t.kind
    if kind == "bool":
        return [False, True]
    if kind in ("int", "bits"):
        lo, hi = int_range(t)
        return [lo, lo + 1, -1 if lo else 1, 0, hi - 1, hi]
    if kind == "real":
        values = [0.0, -0.0, 1.0, -1.5, 0.1, 1e-45, 1e30, 3.4028234663852886e38, math.inf]
        values += [1e300, 5e-324, 2.0**-1074 * 3] if t.bits == 64 else [1.1754943508222875e-38]
        return [t.coerce(v) for v in values]
    if kind == "string":
        extra = ["\u20ac\U0001f600", "\x80\x9f"] if t.is_wide else ["\xff\x80"]
        return ["", "a", "'", '"', "$", "$'\"$N", "\n\r\t\f", "\x00\x01\x1f\x7f", *extra]
    if kind == "char":
        return ["a", "'", '"', "$", "\n", "\x00", "\x7f", "\xff"] + (
            ["\u20ac"] if t.is_wide else []
        )
    if kind == "duration":
        return [0, 1, -1, 999, S, -S - 1, DAY * 3 + 7, 2**63 - 1, -(2**63)]
    if kind == "date":
        return [0, DAY, 19753 * DAY, 200_000 * DAY]
    if kind == "tod":
        return [0, 1, 999, MS, 45000 * S + 500 * MS, DAY - 1]
    return [0, 1, 1000, 19753 * DAY + 45000 * S + 123 * MS, 2**64 - 1 - (2**64 - 1) % DAY - 1]


@pytest.mark.parametrize("name", list(ELEMENTARY_TYPES))
def test_printed_edge_values_read_back_unchanged(name: str) -> None:
    t = ELEMENTARY_TYPES[name]
    for value in _edge_values(t):
        text = format_value(t, value)
        typ, back = parse_literal(text, t)
        assert typ == t
        assert back == value, text
        if t.is_real:
            assert math.copysign(1, back) == math.copysign(1, value), text


def test_random_values_round_trip_for_every_elementary_type() -> None:
    rng = random.Random(61499)
    for t in ELEMENTARY_TYPES.values():
        for _ in range(200):
            value = _random_value(rng, t)
            assert parse_literal(format_value(t, value), t)[1] == value


def _random_value(rng: random.Random, t: Any) -> Any:
    kind = t.kind
    if kind == "bool":
        return rng.random() < 0.5
    if kind in ("int", "bits"):
        lo, hi = int_range(t)
        return rng.randint(lo, hi)
    if kind == "real":
        return t.coerce(rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30))
    if kind in ("string", "char"):
        top = 0x2FFF if t.is_wide else 0xFF
        n = 1 if kind == "char" else rng.randint(0, 12)
        return "".join(chr(rng.randint(1, top)) for _ in range(n))
    if kind == "duration":
        return rng.randint(-(2**63), 2**63 - 1)
    if kind == "date":
        return rng.randint(0, 200_000) * DAY
    if kind == "tod":
        return rng.randint(0, DAY - 1)
    return rng.randint(0, 200_000 * DAY)


def test_aggregates_round_trip() -> None:
    line = StructType(
        "Line",
        (
            ("P", POINT, None),
            ("Name", elementary("STRING"), "it's, (odd) [x]"),
            ("Times", array_of(elementary("TIME"), 1, 2), [1500 * MS, -1]),
        ),
    )
    grid = array_of(array_of(line, 0, 1), 0, 1)
    value = grid.default()
    value[1][0].P.X = -7
    value[0][1].Name = "$'\""
    types: list[IecType] = [line, grid]
    for t in types:
        v = value if t is grid else value[1][0]
        text = format_value(t, v)
        assert parse_literal(text, t)[1] == v, text
