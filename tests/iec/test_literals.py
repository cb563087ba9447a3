"""Reading every literal form of the 4diac grammar, with and without an expected type."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.iec import (
    LiteralError,
    StructType,
    array_of,
    elementary,
    lookup_type,
    parse_literal,
)

S = 1_000_000_000
MS = 1_000_000
DAY = 86_400 * S
D_2024_01_31 = 19753 * DAY


@pytest.mark.parametrize(
    ("text", "type_name", "value"),
    [
        ("INT#-5", "INT", -5),
        ("UINT#17", "UINT", 17),
        ("BYTE#16#FF", "BYTE", 255),
        ("WORD#16#AFFE", "WORD", 0xAFFE),
        ("DINT#26", "DINT", 26),
        ("REAL#1.0", "REAL", 1.0),
        ("SINT#16#FF", "SINT", -1),
        ("STRING#'x'", "STRING", "x"),
        ('WSTRING#"x"', "WSTRING", "x"),
        ("TRUE", "BOOL", True),
        ("false", "BOOL", False),
        ("True", "BOOL", True),
        ("BOOL#1", "BOOL", True),
        ("5", "DINT", 5),
        ("-42", "DINT", -42),
        ("+7", "DINT", 7),
        ("1_000", "DINT", 1000),
        ("16#AFFE", "DINT", 0xAFFE),
        ("16#af_fe", "DINT", 0xAFFE),
        ("2#1010", "DINT", 10),
        ("8#17", "DINT", 15),
        ("10#99", "DINT", 99),
        ("2147483648", "LINT", 2147483648),
        ("18446744073709551615", "ULINT", 2**64 - 1),
        ("3.14", "LREAL", 3.14),
        ("1.5E3", "LREAL", 1500.0),
        ("-4.9", "LREAL", -4.9),
        ("1e-3", "LREAL", 0.001),
        ("T#1h2m3s500ms", "TIME", 3723 * S + 500 * MS),
        ("TIME#100ms", "TIME", 100 * MS),
        ("t#1h", "TIME", 3600 * S),
        ("T#-5s", "TIME", -5 * S),
        ("T#1d2h", "TIME", 26 * 3600 * S),
        ("T#1s_500ms", "TIME", 1500 * MS),
        ("T#1.5s", "TIME", 1500 * MS),
        ("T#1S", "TIME", S),
        ("T#3us4ns", "TIME", 3004),
        ("time#+2m", "TIME", 120 * S),
        ("LTIME#5s", "LTIME", 5 * S),
        ("LT#1ms", "LTIME", MS),
        ("D#2024-01-31", "DATE", D_2024_01_31),
        ("DATE#2024-01-31", "DATE", D_2024_01_31),
        ("LD#2024-01-31", "LDATE", D_2024_01_31),
        ("LDATE#1970-01-01", "LDATE", 0),
        ("TOD#12:30:00.5", "TIME_OF_DAY", (12 * 3600 + 1800) * S + 500 * MS),
        ("TIME_OF_DAY#01:02:03", "TIME_OF_DAY", 3723 * S),
        ("TOD#23:59", "TIME_OF_DAY", (23 * 3600 + 59 * 60) * S),
        ("LTOD#00:00:00.000000001", "LTOD", 1),
        ("DT#2024-01-31-12:30:00.000", "DATE_AND_TIME", D_2024_01_31 + 45000 * S),
        ("DATE_AND_TIME#2024-01-31-12:30:00", "DATE_AND_TIME", D_2024_01_31 + 45000 * S),
        ("LDT#2024-01-31-00:00:00.25", "LDT", D_2024_01_31 + 250 * MS),
        ("'text'", "STRING", "text"),
        ("'it$'s'", "STRING", "it's"),
        ("'$$ $' $L $N $P $R $T $41'", "STRING", "$ ' \n \n \f \r \t A"),
        ("'$l$n$p$r$t'", "STRING", "\n\n\f\r\t"),
        ("'say \"hi\"'", "STRING", 'say "hi"'),
        ("''", "STRING", ""),
        ('"wide"', "WSTRING", "wide"),
        ('"$"q$" $20AC"', "WSTRING", '"q" \u20ac'),
        ('"localhost:61499"', "WSTRING", "localhost:61499"),
        ("CHAR#'a'", "CHAR", "a"),
        ("CHAR#''", "CHAR", "\x00"),
        ('WCHAR#"$03A9"', "WCHAR", "\u03a9"),
    ],
)
def test_literal_is_read_with_its_inferred_type(text: str, type_name: str, value: Any) -> None:
    typ, got = parse_literal(text)
    assert typ.name == type_name
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "type_name", "value"),
    [
        ("5", "REAL", 5.0),
        ("5", "LREAL", 5.0),
        ("0.1", "REAL", 0.10000000149011612),
        ("INT#5", "DINT", 5),
        ("INT#5", "REAL", 5.0),
        ("BYTE#16#FF", "SINT", -1),
        ("USINT#200", "INT", 200),
        # between integers and bit strings the digits are read by the expected type (FORTE)
        ("INT#5", "UINT", 5),
        ("DINT#5", "INT", 5),
        ("UINT#70000", "DINT", 70000),
        ("INT#16#FF", "SINT", -1),
        ("WORD#7", "USINT", 7),
        ("REAL#5", "DWORD", 5),
        ("T#1s", "LTIME", S),
        ("CHAR#'a'", "STRING", "a"),
        ("1", "BOOL", True),
        ("0", "BOOL", False),
        ("16#FFFF", "INT", -1),
        ("255", "BYTE", 255),
        ("-32768", "INT", -32768),
        ("4294967295", "UDINT", 2**32 - 1),
        ("1000", "TIME", 1000),
        ("1s", "TIME", S),
        ("executiontime.csv", "STRING", "executiontime.csv"),
        ("  spaced  ", "STRING", "  spaced  "),
        ("", "STRING", ""),
        ("'quoted'", "STRING", "quoted"),
        ("STRING#abc.csv", "STRING", "abc.csv"),
        ("WSTRING#abc", "WSTRING", "abc"),
        ('"dq"', "STRING", "dq"),
        ("plain", "WSTRING", "plain"),
        ("2024-01-31", "DATE", D_2024_01_31),
        ("12:00:00", "TOD", 12 * 3600 * S),
    ],
)
def test_literal_is_converted_to_the_expected_type(text: str, type_name: str, value: Any) -> None:
    expected = elementary(type_name)
    typ, got = parse_literal(text, expected)
    assert typ == expected
    assert got == value
    assert type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "type_name", "reason"),
    [
        ("T#5x", "TIME", "unknown time unit 'x'"),
        ("T#5", "TIME", "number 5 has no unit (d, h, m, s, ms, us or ns)"),
        ("T#", "TIME", "no value"),
        ("T#s", "TIME", "expected a number at 's'"),
        ("T#1s_", "TIME", "'_' at the end of the duration"),
        ("DINT#70000", "INT", "value 70000 is out of range for INT (-32768..32767)"),
        ("INT#-5", "UINT", "value -5 is out of range for UINT (0..65535)"),
        ("SINT#-1", "BYTE", "value -1 is out of range for BYTE (0..255)"),
        ("LTIME#5s", "TIME", "a LTIME literal does not convert implicitly to TIME"),
        ("REAL#1.5", "DINT", "a REAL literal does not convert implicitly to DINT"),
        ("BYTE#255", "SINT", "value 255 is out of range for SINT (-128..127)"),
        ("INT#5", "TIME", "a INT literal does not convert implicitly to TIME"),
        ("FOO#5", "INT", "unknown type prefix 'FOO'"),
        ("32768", "INT", "value 32768 is out of range for INT (-32768..32767)"),
        ("-1", "UINT", "value -1 is out of range for UINT (0..65535)"),
        ("16#1FF", "BYTE", "value 511 does not fit in 8 bits"),
        ("16#FG", "WORD", "'FG' is not a base-16 number"),
        ("2#102", "BYTE", "'102' is not a base-2 number"),
        ("-16#FF", "INT", "a based number (16#...) cannot have a sign"),
        ("3#12", "INT", "not a number"),
        ("5.0", "INT", "not an integer"),
        ("1__0", "INT", "not a number"),
        ("abc", "INT", "not a number"),
        ("", "INT", "empty literal"),
        ("yes", "BOOL", "expected TRUE, FALSE, 1 or 0"),
        ("2", "BOOL", "expected TRUE, FALSE, 1 or 0"),
        ("1.5.2", "REAL", "not a number"),
        ("1e39", "REAL", "value is out of range for REAL"),
        ("'abc", "STRING", "missing closing quote '"),
        ("'a'b'", "STRING", 'unexpected text after the closing quote: "b\'"'),
        (
            "'$q'",
            "STRING",
            "unknown escape '$q' (use $$ $' $\" $L $N $P $R $T or $ and 2 hex digits)",
        ),
        ("'$'", "STRING", "missing closing quote '"),
        ("'\u20ac'", "STRING", "STRING holds only characters 0..255 (use WSTRING)"),
        ("CHAR#'ab'", "CHAR", "a CHAR literal holds exactly one character"),
        ("CHAR#a", "CHAR", "expected a quoted string"),
        ("D#2024-13-01", "DATE", "no such date: month must be in 1..12"),
        ("D#1969-12-31", "DATE", "dates before 1970-01-01 cannot be represented"),
        ("D#2024/01/31", "DATE", "expected a date like 2024-01-31"),
        ("TOD#24:00:00", "TOD", "no such time of day: 24:0:0"),
        ("TOD#12", "TOD", "expected a time of day like 12:30:00.500"),
        ("DT#2024-01-31", "DT", "expected a date and time like 2024-01-31-12:30:00.000"),
    ],
)
def test_bad_literal_is_refused_with_its_reason(text: str, type_name: str, reason: str) -> None:
    expected = elementary(type_name)
    with pytest.raises(LiteralError) as info:
        parse_literal(text, expected, where="FB1.IN")
    err = info.value
    assert err.reason == reason
    assert err.literal == text
    assert err.expected == expected.name
    assert err.where == "FB1.IN"
    assert str(err) == f"bad literal {text!r} for {expected.name} at FB1.IN: {reason}"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("hello", "cannot tell the type of this literal (write a type prefix such as INT#)"),
        ("(A := 1)", "a struct literal needs its struct type"),
        ("[1, 'a']", "array elements have different types"),
        ("[]", "cannot tell the element type of this array literal"),
        ("99999999999999999999", "integer is out of range for every integer type"),
    ],
)
def test_untyped_literal_that_cannot_be_inferred_is_refused(text: str, reason: str) -> None:
    with pytest.raises(LiteralError) as info:
        parse_literal(text)
    assert info.value.reason == reason
    assert info.value.expected is None
    assert str(info.value) == f"bad literal {text!r}: {reason}"


def test_literal_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="bad literal 'T#5x' for TIME: unknown time unit 'x'"):
        parse_literal("T#5x", elementary("TIME"))


def test_time_components_are_summed_and_decimals_round_to_nanoseconds() -> None:
    assert parse_literal("T#1.0000000005s")[1] == S  # half rounds to even
    assert parse_literal("T#0.5ms")[1] == 500_000
    assert parse_literal("T#1m90s")[1] == 150 * S


def test_tod_fraction_beyond_nanoseconds_is_dropped() -> None:
    assert parse_literal("TOD#00:00:00.1234567899")[1] == 123_456_789


INT_ARRAY = array_of(elementary("INT"), 0, 3)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("[1, 2, 3, 4]", [1, 2, 3, 4]),
        ("[3(0), 1]", [0, 0, 0, 1]),
        ("[2(7)]", [7, 7, 0, 0]),
        ("[1]", [1, 0, 0, 0]),
        ("[]", [0, 0, 0, 0]),
        ("[INT#1, 16#10, 2()]", [1, 16, 0, 0]),
        ("[-2, 3()]", [-2, 0, 0, 0]),
        ("  [ 1 ,2 ]  ", [1, 2, 0, 0]),
    ],
)
def test_array_literal_fills_the_array(text: str, value: list[int]) -> None:
    assert parse_literal(text, INT_ARRAY) == (INT_ARRAY, value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[1, 2, 3, 4, 5]", "5 elements do not fit in 4"),
        ("[5(1)]", "5 elements do not fit in 4"),
        ("[1,,2]", "empty element"),
        ("1, 2", "expected [...]"),
        ("[1, 70000]", "element [1]: value 70000 is out of range for INT (-32768..32767)"),
        ("[(1]", "unbalanced brackets"),
    ],
)
def test_bad_array_literal_is_refused(text: str, reason: str) -> None:
    with pytest.raises(LiteralError) as info:
        parse_literal(text, INT_ARRAY)
    assert info.value.reason == reason
    assert info.value.expected == "ARRAY [0..3] OF INT"


def test_array_of_strings_keeps_commas_and_brackets_inside_quotes() -> None:
    typ = array_of(elementary("STRING"), 1, 2)
    assert parse_literal("['a,]', '$'(']", typ)[1] == ["a,]", "'("]


def test_untyped_array_literal_infers_its_element_type() -> None:
    typ, value = parse_literal("[1, 2.5]")
    assert typ == array_of(elementary("LREAL"), 0, 1)
    assert value == [1.0, 2.5]


INNER = StructType("Inner", (("X", elementary("INT"), 3), ("S", elementary("STRING"), "a")))
OUTER = StructType(
    "Outer",
    (
        ("VAR1", elementary("BOOL"), None),
        ("VAR2", elementary("INT"), None),
        ("In", INNER, None),
        ("Arr", array_of(elementary("DINT"), 0, 1), None),
    ),
)


def test_struct_literal_sets_named_members_and_keeps_the_rest() -> None:
    typ, value = parse_literal("(VAR1 := TRUE, VAR2 := INT#-5)", OUTER)
    assert typ is OUTER
    assert (value.VAR1, value.VAR2) == (True, -5)
    assert value.In == INNER.default()
    assert value.Arr == [0, 0]


def test_nested_struct_and_array_literal() -> None:
    value = parse_literal("(In := (S := 'x,y', X := 9), arr := [1, 2], var1 := 1)", OUTER)[1]
    assert value.In.X == 9
    assert value.In.S == "x,y"
    assert value.Arr == [1, 2]
    assert value.VAR1 is True


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("(NOPE := 1)", "struct Outer has no member 'NOPE'"),
        ("(VAR2 := 1, VAR2 := 2)", "member VAR2 is given twice"),
        ("(VAR2 = 1)", "expected 'member := value' in struct Outer, got 'VAR2 = 1'"),
        ("(VAR2 := 99999)", "member VAR2: value 99999 is out of range for INT (-32768..32767)"),
        (
            "(In := (X := T#1s))",
            "member In: member X: a TIME literal does not convert implicitly to INT",
        ),
    ],
)
def test_bad_struct_literal_is_refused(text: str, reason: str) -> None:
    with pytest.raises(LiteralError) as info:
        parse_literal(text, OUTER)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("text", "generic", "type_name", "value"),
    [
        ("5", "ANY_NUM", "DINT", 5),
        ("5", "ANY_REAL", "LREAL", 5.0),
        ("T#1s", "ANY_DURATION", "TIME", S),
        ("'a'", "ANY_STRING", "STRING", "a"),
        ("WORD#1", "ANY_BIT", "WORD", 1),
        ("[1, 2]", "ANY", "ARRAY [0..1] OF DINT", [1, 2]),
    ],
)
def test_literal_for_a_generic_takes_its_own_type(
    text: str, generic: str, type_name: str, value: Any
) -> None:
    typ, got = parse_literal(text, lookup_type(generic))
    assert typ.name == type_name
    assert got == value


def test_literal_outside_the_generic_family_is_refused() -> None:
    with pytest.raises(LiteralError, match="a STRING literal is not one of ANY_NUM"):
        parse_literal("'x'", lookup_type("ANY_NUM"))
