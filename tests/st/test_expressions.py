"""Expressions: each row assigns an expression to a typed variable and checks the stored value."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from st_support import Instance

NS = 1_000_000_000

CASES: list[tuple[str, str, Any]] = [
    # arithmetic, precedence, wrapping
    ("INT", "1 + 2 * 3", 7),
    ("INT", "(1 + 2) * 3", 9),
    ("LREAL", "2 ** 3 + 1", 9.0),
    ("BOOL", "AND(TRUE, TRUE, FALSE)", False),
    ("WORD", "OR(WORD#1, WORD#2)", 3),
    ("LREAL", "-2 ** 2", 4.0),
    ("INT", "7 / 2", 3),
    ("INT", "-7 / 2", -3),
    ("INT", "-7 MOD 3", -1),
    ("INT", "7 MOD -3", 1),
    ("INT", "32767 + 1", -32768),
    ("USINT", "USINT#255 + 1", 0),
    ("UDINT", "UDINT#0 - 1", 4294967295),
    ("SINT", "SINT#-128 - 1", 127),
    ("DINT", "INT#5 * 2", 10),
    ("LREAL", "1.5 * 2", 3.0),
    ("REAL", "0.1", 0.10000000149011612),
    ("REAL", "REAL#1.0 / 3.0", 0.3333333432674408),
    ("LREAL", "1.0 / 0.0", math.inf),
    ("INT", "16#FF + 2#11 + 8#7", 265),
    ("INT", "1_000", 1000),
    # comparison and logic
    ("BOOL", "1 < 2 AND 3 >= 3", True),
    ("BOOL", "1 = 2 OR 2 <> 3", True),
    ("BOOL", "TRUE XOR TRUE", False),
    ("BOOL", "TRUE & FALSE", False),
    ("BOOL", "NOT FALSE", True),
    ("BOOL", "NOT (1 > 2)", True),
    ("BYTE", "NOT BYTE#16#0F", 0xF0),
    ("WORD", "WORD#16#FF00 AND WORD#16#0FF0", 0x0F00),
    ("WORD", "WORD#16#FF00 OR 16#00FF", 0xFFFF),
    ("WORD", "WORD#16#FF00 XOR WORD#16#FFFF", 0x00FF),
    ("BOOL", "'abc' < 'abd'", True),
    # partial access
    ("BOOL", "BYTE#2#100.%X2", True),
    ("BOOL", "BYTE#2#100.2", True),
    ("BYTE", "WORD#16#ABCD.%B1", 0xAB),
    ("WORD", "DWORD#16#12345678.%W0", 0x5678),
    # function forms and standard functions
    ("INT", "ADD(1, 2, 3)", 6),
    ("INT", "SUB(10, 4)", 6),
    ("INT", "MUL(2, 3, 4)", 24),
    ("INT", "DIV(9, 2)", 4),
    ("INT", "MOD(9, 4)", 1),
    ("BOOL", "GT(3, 2, 1)", True),
    ("BOOL", "LT(1, 2)", True),
    ("BOOL", "EQ(2, 2)", True),
    ("BOOL", "NE(2, 2)", False),
    ("INT", "ABS(-5)", 5),
    ("LREAL", "SQRT(16.0)", 4.0),
    ("LREAL", "EXPT(2.0, 10)", 1024.0),
    ("LREAL", "LN(1.0)", 0.0),
    ("LREAL", "LOG(100.0)", 2.0),
    ("LREAL", "EXP(0.0)", 1.0),
    ("LREAL", "SIN(0.0) + COS(0.0) + TAN(0.0)", 1.0),
    ("LREAL", "ASIN(1.0) * 2.0", math.pi),
    ("LREAL", "ACOS(1.0) + ATAN(0.0) + ATAN2(0.0, 1.0)", 0.0),
    ("DINT", "TRUNC(-2.7)", -2),
    ("INT", "MIN(3, 1, 2)", 1),
    ("INT", "MAX(3, 1, 2)", 3),
    ("INT", "LIMIT(0, 15, 10)", 10),
    ("INT", "LIMIT(MN := 0, IN := -3, MX := 10)", 0),
    ("INT", "SEL(TRUE, 1, 2)", 2),
    ("INT", "MUX(2, 10, 20, 30)", 30),
    ("INT", "MOVE(7)", 7),
    ("BYTE", "SHL(BYTE#16#81, 1)", 0x02),
    ("BYTE", "SHR(BYTE#16#81, 1)", 0x40),
    ("BYTE", "ROL(BYTE#16#81, 1)", 0x03),
    ("BYTE", "ROR(BYTE#16#81, 1)", 0xC0),
    ("WORD", "ROL(WORD#16#8001, 4)", 0x0018),
    # conversions
    ("BYTE", "DWORD_TO_BYTE(DWORD#16#12345678)", 0x78),
    ("INT", "UINT_TO_INT(UINT#65535)", -1),
    ("LWORD", "BYTE_TO_LWORD(BYTE#255)", 255),
    ("REAL", "UDINT_TO_REAL(UDINT#3)", 3.0),
    ("DINT", "REAL_TO_DINT(REAL#2.5)", 2),
    ("DINT", "LREAL_TO_DINT(3.5)", 4),
    ("INT", "BOOL_TO_INT(TRUE)", 1),
    ("STRING", "INT_TO_STRING(INT#42)", "42"),
    ("DINT", "TO_DINT(INT#-3)", -3),
    ("ULINT", "TIME_IN_NS_TO_ULINT(T#1s)", NS),
    ("LINT", "TIME_IN_MS_TO_LINT(T#1s500ms)", 1500),
    ("LREAL", "TIME_IN_S_TO_LREAL(T#1500ms)", 1.5),
    ("REAL", "TIME_TO_REAL(T#2ms)", 2.0),
    ("USINT", "BYTE_BCD_TO_USINT(BYTE#16#42)", 42),
    ("WORD", "UINT_TO_BCD_WORD(UINT#1234)", 0x1234),
    # strings
    ("STRING", "CONCAT('ab', 'cd', 'e')", "abcde"),
    ("DINT", "LEN('hello')", 5),
    ("STRING", "LEFT('hello', 2)", "he"),
    ("STRING", "RIGHT('hello', 3)", "llo"),
    ("STRING", "MID('hello', 3, 2)", "ell"),
    ("STRING", "INSERT('held', 'l', 3)", "helld"),
    ("STRING", "DELETE('hello', 2, 2)", "hlo"),
    ("STRING", "REPLACE('hello', 'XY', 2, 2)", "hXYlo"),
    ("DINT", "FIND('hello', 'll')", 3),
    ("DINT", "FIND('hello', 'z')", 0),
    ("STRING", "'it$'s $$5'", "it's $5"),
    ("WSTRING", '"wide"', "wide"),
    ("STRING", '"old style"', "old style"),
    ("WSTRING", "'narrow'", "narrow"),
    ("CHAR", "'x'", "x"),
    # time arithmetic
    ("TIME", "T#1s + T#500ms", 1_500_000_000),
    ("TIME", "T#1s - T#2s", -NS),
    ("TIME", "T#1s * 3", 3 * NS),
    ("TIME", "T#3s / 2", 1_500_000_000),
    ("TIME", "MULTIME(T#1s, 2.5)", 2_500_000_000),
    ("TIME", "DIVTIME(T#1s, 4)", 250_000_000),
    ("TOD", "ADD_TOD_TIME(TOD#23:00:00, T#2h)", 3600 * NS),
    ("TIME", "SUB_DT_DT(DT#2024-01-02-00:00:00, DT#2024-01-01-00:00:00)", 86400 * NS),
    ("DT", "DT#1970-01-01-00:00:10 + T#5s", 15 * NS),
    ("TIME", "TOD#12:00:00 - TOD#11:00:00", 3600 * NS),
    ("DT", "CONCAT_DATE_TOD(D#1970-01-02, TOD#00:00:01)", 86401 * NS),
]


@pytest.mark.parametrize(("type_name", "expr", "expected"), CASES)
def test_expression_value(
    run_st: Callable[..., Instance], type_name: str, expr: str, expected: Any
) -> None:
    fb = run_st(f"R := {expr};", {"R": type_name})
    if isinstance(expected, float) and math.isfinite(expected):
        assert pytest.approx(expected, rel=1e-12, abs=1e-12) == fb.R
    else:
        assert expected == fb.R


VAR_CASES: list[tuple[dict[str, str], dict[str, Any], str, str, Any]] = [
    ({"CV": "UDINT"}, {"CV": 4294967295}, "CV + 1", "UDINT", 0),
    ({"X": "DINT"}, {"X": -7}, "X / 2", "DINT", -3),
    ({"X": "UINT"}, {"X": 7}, "X / 2", "UINT", 3),
    ({"X": "UINT"}, {"X": 7}, "X MOD 4", "UINT", 3),
    ({"X": "REAL"}, {"X": 1.0}, "X / 3.0", "REAL", 0.3333333432674408),
    ({"X": "INT"}, {"X": 3}, "-X", "INT", -3),
    ({"X": "WORD"}, {"X": 0x1234}, "X.%B0", "BYTE", 0x34),
    ({"B": "BOOL"}, {"B": True}, "NOT B", "BOOL", False),
    ({"S": "STRING"}, {"S": "ab"}, "CONCAT(S, 'c')", "STRING", "abc"),
    ({"A": "ARRAY [1..3] OF DINT"}, {"A": [5, 6, 7]}, "A[2] + A[3]", "DINT", 13),
    (
        {"A": "ARRAY [1..3] OF DINT"},
        {"A": [5, 6, 7]},
        "UPPER_BOUND(A, 1) - LOWER_BOUND(A, 1)",
        "DINT",
        2,
    ),
    (
        {"I": "INT", "A": "ARRAY [1..3] OF DINT"},
        {"I": 3, "A": [5, 6, 7]},
        "A[I] * A[I - 1]",
        "DINT",
        42,
    ),
]


@pytest.mark.parametrize(("decls", "values", "expr", "result_type", "expected"), VAR_CASES)
def test_expression_over_variables(
    run_st: Callable[..., Instance],
    decls: dict[str, str],
    values: dict[str, Any],
    expr: str,
    result_type: str,
    expected: Any,
) -> None:
    fb = run_st(f"R := {expr};", {**decls, "R": result_type}, **values)
    assert expected == fb.R


def test_names_are_case_insensitive(run_st: Callable[..., Instance]) -> None:
    fb = run_st("cv := Cv + 1; r := CV;", {"CV": "INT", "R": "INT"}, CV=4)
    assert (fb.CV, fb.R) == (5, 5)


def test_now_and_now_monotonic_read_the_instance_clock(run_st: Callable[..., Instance]) -> None:
    fb = run_st("D := NOW(); T := NOW_MONOTONIC();", {"D": "DT", "T": "TIME"})
    assert fb.now_ns == fb.D
    assert fb.mono_ns == fb.T
