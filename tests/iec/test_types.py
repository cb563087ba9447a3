"""Type lookup, canonical values (wrap-around, binary32 rounding), defaults and copies."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import pytest

from fbruntime.iec import (
    ELEMENTARY_TYPES,
    ArrayType,
    GenericType,
    IecTypeError,
    IecValueError,
    StructType,
    array_of,
    elementary,
    int_range,
    lookup_type,
    parse_array_size,
    to_real32,
    wrap_int,
)

INT_WIDTHS = [
    ("SINT", -128, 127),
    ("INT", -32768, 32767),
    ("DINT", -(2**31), 2**31 - 1),
    ("LINT", -(2**63), 2**63 - 1),
    ("USINT", 0, 255),
    ("UINT", 0, 65535),
    ("UDINT", 0, 2**32 - 1),
    ("ULINT", 0, 2**64 - 1),
    ("BYTE", 0, 255),
    ("WORD", 0, 65535),
    ("DWORD", 0, 2**32 - 1),
    ("LWORD", 0, 2**64 - 1),
]


@pytest.mark.parametrize(("name", "lo", "hi"), INT_WIDTHS)
def test_integer_range_is_the_type_width(name: str, lo: int, hi: int) -> None:
    assert int_range(elementary(name)) == (lo, hi)


@pytest.mark.parametrize(("name", "lo", "hi"), INT_WIDTHS)
def test_integers_wrap_around_like_forte(name: str, lo: int, hi: int) -> None:
    t = elementary(name)
    assert t.coerce(hi + 1) == lo
    assert t.coerce(lo - 1) == hi
    assert t.coerce(hi) == hi
    assert t.coerce(lo) == lo
    assert t.coerce(hi + 1 + 5) == lo + 5
    span = hi - lo + 1
    assert t.coerce(3 * span + 7) == t.coerce(7)


def test_udint_two_to_the_32_wraps_to_zero() -> None:
    assert elementary("UDINT").coerce(2**32) == 0


@pytest.mark.parametrize(
    ("value", "bits", "signed", "expected"),
    [
        (255, 8, True, -1),
        (128, 8, True, -128),
        (-1, 8, False, 255),
        (-1, 64, False, 2**64 - 1),
        (2**63, 64, True, -(2**63)),
        (70000, 16, False, 4464),
    ],
)
def test_wrap_int(value: int, bits: int, signed: bool, expected: int) -> None:
    assert wrap_int(value, bits, signed) == expected


def test_float_into_integer_rounds_half_to_even() -> None:
    t = elementary("INT")
    assert [t.coerce(x) for x in (0.5, 1.5, 2.5, -2.5, 2.6)] == [0, 2, 2, -2, 3]


def test_non_finite_float_cannot_become_an_integer() -> None:
    with pytest.raises(IecValueError, match="cannot store nan"):
        elementary("DINT").coerce(math.nan)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, 0.10000000149011612),
        (1 / 3, 0.3333333432674408),
        (16777217, 16777216.0),
        (3.4028235e38, 3.4028234663852886e38),
        (1e39, math.inf),
        (-1e39, -math.inf),
        (1e-50, 0.0),
    ],
)
def test_real_is_rounded_to_binary32(value: float, expected: float) -> None:
    assert elementary("REAL").coerce(value) == expected
    assert to_real32(value) == expected


def test_lreal_keeps_double_precision() -> None:
    assert elementary("LREAL").coerce(0.1) == 0.1
    assert elementary("LREAL").coerce(3) == 3.0


def test_string_accepts_only_8_bit_characters() -> None:
    assert elementary("STRING").coerce("\xff") == "\xff"
    assert elementary("WSTRING").coerce("\u20ac") == "\u20ac"
    with pytest.raises(IecValueError, match=r"STRING holds only characters 0\.\.255"):
        elementary("STRING").coerce("\u20ac")


def test_char_is_one_character() -> None:
    assert elementary("CHAR").coerce(65) == "A"
    with pytest.raises(IecValueError, match="a character is a string of length 1"):
        elementary("CHAR").coerce("ab")


def test_time_values_from_python_objects() -> None:
    assert elementary("TIME").coerce(dt.timedelta(seconds=1, microseconds=5)) == 1_000_005_000
    assert elementary("DATE").coerce(dt.date(1970, 1, 2)) == 86_400 * 10**9
    assert elementary("DATE").coerce(86_400 * 10**9 + 5) == 86_400 * 10**9
    assert elementary("TOD").coerce(dt.time(0, 0, 1)) == 10**9
    assert elementary("TOD").coerce(86_400 * 10**9 + 1) == 1
    assert elementary("DT").coerce(dt.datetime(1970, 1, 1, 0, 0, 2)) == 2 * 10**9


def test_bool_accepts_bools_and_ints_only() -> None:
    assert elementary("BOOL").coerce(2) is True
    with pytest.raises(IecValueError):
        elementary("BOOL").coerce("TRUE")


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("int", "INT"),
        ("Udint", "UDINT"),
        ("TOD", "TIME_OF_DAY"),
        ("time_of_day", "TIME_OF_DAY"),
        ("DT", "DATE_AND_TIME"),
        ("LTIME_OF_DAY", "LTOD"),
        ("LDATE_AND_TIME", "LDT"),
        (" wstring ", "WSTRING"),
    ],
)
def test_elementary_names_are_case_insensitive_with_aliases(name: str, canonical: str) -> None:
    assert elementary(name).name == canonical


def test_unknown_elementary_type_is_named() -> None:
    with pytest.raises(IecTypeError, match="unknown elementary data type 'INTEGER'"):
        elementary("INTEGER")


DEFAULTS: list[tuple[str, Any]] = [
    ("BOOL", False),
    ("INT", 0),
    ("LWORD", 0),
    ("REAL", 0.0),
    ("STRING", ""),
    ("WSTRING", ""),
    ("CHAR", "\x00"),
    ("TIME", 0),
    ("DATE", 0),
    ("LDT", 0),
]


@pytest.mark.parametrize(("name", "value"), DEFAULTS)
def test_elementary_default(name: str, value: Any) -> None:
    got = elementary(name).default()
    assert got == value
    assert type(got) is type(value)


def test_all_27_elementary_types_exist() -> None:
    assert len(ELEMENTARY_TYPES) == 27


@pytest.mark.parametrize(
    ("name", "flags"),
    [
        ("BOOL", {"is_bool", "is_any_bit"}),
        ("SINT", {"is_integer", "is_signed", "is_integral", "is_numeric"}),
        ("ULINT", {"is_integer", "is_integral", "is_numeric"}),
        ("WORD", {"is_bit_string", "is_any_bit", "is_integral"}),
        ("REAL", {"is_real", "is_numeric", "is_signed"}),
        ("STRING", {"is_string"}),
        ("WSTRING", {"is_string", "is_wide"}),
        ("WCHAR", {"is_char", "is_wide"}),
        ("LTIME", {"is_duration", "is_long", "is_signed"}),
        ("TOD", {"is_date_like"}),
        ("LDT", {"is_date_like", "is_long"}),
    ],
)
def test_elementary_type_properties(name: str, flags: set[str]) -> None:
    t = elementary(name)
    props = [
        "is_bool",
        "is_integer",
        "is_signed",
        "is_bit_string",
        "is_any_bit",
        "is_integral",
        "is_real",
        "is_numeric",
        "is_string",
        "is_char",
        "is_wide",
        "is_duration",
        "is_date_like",
        "is_long",
    ]
    assert {p for p in props if getattr(t, p)} == flags


def test_types_are_hashable_and_equal_by_value() -> None:
    a = array_of(elementary("INT"), 0, 3)
    assert a == array_of(elementary("int"), 0, 3)
    assert len({a, array_of(elementary("INT"), 0, 3), elementary("INT")}) == 2
    assert a.name == "ARRAY [0..3] OF INT"
    assert a != array_of(elementary("INT"), 1, 4)


@pytest.mark.parametrize(
    ("text", "bounds"), [("10", (0, 9)), ("1", (0, 0)), ("0..7", (0, 7)), (" -2 .. 2 ", (-2, 2))]
)
def test_array_size_attribute(text: str, bounds: tuple[int, int]) -> None:
    assert parse_array_size(text) == bounds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("*", "array size '\\*' \\(variable length\\) is not supported"),
        ("0", "the count must be at least 1"),
        ("5..1", "upper bound is below lower bound"),
        ("x", "bad array size 'x'"),
    ],
)
def test_bad_array_size_is_refused(text: str, message: str) -> None:
    with pytest.raises(IecTypeError, match=message):
        parse_array_size(text)


def test_array_default_and_copy_do_not_share() -> None:
    inner = array_of(elementary("INT"), 0, 1)
    outer = array_of(inner, 1, 3)
    value = outer.default()
    assert value == [[0, 0], [0, 0], [0, 0]]
    value[0][0] = 5
    assert value[1][0] == 0  # elements of a default are distinct lists
    copied = outer.copy(value)
    copied[0][0] = 9
    assert value[0][0] == 5


def test_array_coerce_checks_length_and_elements() -> None:
    t = array_of(elementary("USINT"), 0, 2)
    assert t.coerce((1, 256, -1)) == [1, 0, 255]
    with pytest.raises(
        IecValueError, match=re.escape("cannot store 2 elements in ARRAY [0..2] OF USINT")
    ):
        t.coerce([1, 2])
    with pytest.raises(IecValueError, match="not a sequence"):
        t.coerce("abc")


def test_empty_array_bounds_are_refused() -> None:
    with pytest.raises(IecTypeError, match="upper is below lower"):
        ArrayType(elementary("INT"), 3, 2)


POINT = StructType("Point", (("X", elementary("INT"), 1), ("Y", elementary("REAL"), None)))
LINE = StructType(
    "Line",
    (
        ("A", POINT, None),
        ("B", POINT, {"X": 7}),
        ("Tags", array_of(elementary("STRING"), 0, 1), ["a", "b"]),
    ),
)


def test_struct_default_uses_initial_values_in_declaration_order() -> None:
    value = LINE.default()
    assert list(value.as_dict()) == ["A", "B", "Tags"]
    assert value.A.X == 1
    assert value.A.Y == 0.0
    assert value.B.X == 7
    assert value.Tags == ["a", "b"]


def test_struct_defaults_and_copies_are_independent() -> None:
    first = LINE.default()
    first.B.X = 100
    first.Tags[0] = "z"
    second = LINE.default()
    assert second.B.X == 7
    assert second.Tags == ["a", "b"]
    copied = LINE.copy(first)
    assert copied == first
    copied.A.X = 42
    copied.Tags[1] = "q"
    assert first.A.X == 1
    assert first.Tags[1] == "b"
    assert copied != first


def test_struct_make_coerces_and_matches_members_case_insensitively() -> None:
    value = POINT.make(x=70000, Y=0.1)
    assert value.X == 4464
    assert value.Y == 0.10000000149011612
    with pytest.raises(IecValueError, match="struct Point has no member 'Z'"):
        POINT.make(Z=1)


def test_struct_value_equality_needs_the_same_type() -> None:
    other = StructType("Other", POINT.members)
    assert POINT.default() != other.default()
    assert POINT.default() == POINT.default()


def test_struct_value_is_not_hashable() -> None:
    with pytest.raises(TypeError):
        hash(POINT.default())


def test_struct_member_named_like_a_helper_method_still_copies() -> None:
    odd = StructType("Odd", (("copy", elementary("INT"), 3), ("items", elementary("BOOL"), None)))
    value = odd.default()
    assert getattr(value, "copy") == 3  # noqa: B009
    assert odd.copy(value) == value


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ((("A", elementary("INT"), None), ("a", elementary("INT"), None)), "declared twice"),
        ((("A", lookup_type("ANY_NUM"), None),), "has generic type ANY_NUM"),
        ((("no way", elementary("INT"), None),), "is not an identifier"),
    ],
)
def test_bad_struct_declaration_is_refused(members: Any, message: str) -> None:
    with pytest.raises(IecTypeError, match=message):
        StructType("Bad", members)


def test_lookup_type_finds_elementary_generic_and_structs() -> None:
    structs = {"Point": POINT}
    assert lookup_type("dint") == elementary("DINT")
    assert lookup_type("any_num") == GenericType("ANY_NUM")
    assert lookup_type("Point", structs=structs) is POINT
    assert lookup_type("POINT", structs=structs) is POINT
    with pytest.raises(IecTypeError, match="unknown data type 'Pointy'"):
        lookup_type("Pointy", structs=structs)


@pytest.mark.parametrize(
    ("generic", "member", "accepted"),
    [
        ("ANY", "STRING", True),
        ("ANY_ELEMENTARY", "LDT", True),
        ("ANY_MAGNITUDE", "TIME", True),
        ("ANY_MAGNITUDE", "BOOL", False),
        ("ANY_NUM", "REAL", True),
        ("ANY_NUM", "WORD", False),
        ("ANY_INT", "ULINT", True),
        ("ANY_SIGNED", "UINT", False),
        ("ANY_UNSIGNED", "UINT", True),
        ("ANY_BIT", "BOOL", True),
        ("ANY_BIT", "INT", False),
        ("ANY_CHARS", "WCHAR", True),
        ("ANY_SCHARS", "WSTRING", False),
        ("ANY_STRING", "CHAR", False),
        ("ANY_DATE", "LTOD", True),
        ("ANY_DATE", "TIME", False),
        ("ANY_DURATION", "LTIME", True),
        ("ANY_NUM", "ANY_INT", True),
        ("ANY_INT", "ANY_NUM", False),
    ],
)
def test_generic_family_membership(generic: str, member: str, accepted: bool) -> None:
    assert lookup_type(generic).accepts(lookup_type(member)) is accepted  # type: ignore[attr-defined]


def test_generic_accepts_derived_types() -> None:
    arr = array_of(elementary("INT"), 0, 1)
    assert GenericType("ANY_DERIVED").accepts(arr)
    assert GenericType("ANY_STRUCT").accepts(POINT)
    assert not GenericType("ANY_STRUCT").accepts(arr)
    assert not GenericType("ANY_ELEMENTARY").accepts(POINT)
