"""Hostile ST: nesting and size limits give one clear error with the place; loops answer to the
watchdog; ``**`` stays in floating point."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from st_support import make_instance, make_scope

from fbruntime.core import watchdog
from fbruntime.st import STError, compile_algorithms, compile_function

DECLS = {"X": "DINT", "R": "LREAL", "B": "BOOL", "S": "STRING"}

TOO_DEEP = [
    ("X := " + "(" * 1000 + "1" + ")" * 1000 + ";", "nested too deeply", 1),
    ("X := " + " + ".join(["1"] * 20_000) + ";", "expression too large", 1),
    ("B := " + "NOT " * 50_000 + "TRUE;", "nested too deeply", 1),
    ("".join(f"IF X > {i} THEN\n" for i in range(500)) + "X := 1;\n" + "END_IF;\n" * 500, "", 0),
    ("X := ABS(" * 300 + "1" + ")" * 300 + ";", "nested too deeply", 1),
]


@pytest.mark.parametrize(("text", "words", "line"), TOO_DEEP, ids=lambda v: str(v)[:12])
def test_text_beyond_the_limits_is_one_error_naming_the_place(
    text: str, words: str, line: int
) -> None:
    with pytest.raises(STError) as info:
        compile_algorithms("T", {"ALG": text}, make_scope(DECLS), origin="T.fbt")
    err = info.value
    assert (err.origin, err.algorithm) == ("T.fbt", "ALG")
    assert words in str(err)
    if line:
        assert err.line == line


def test_a_128_term_sum_and_30_nested_ifs_still_compile() -> None:
    total = "X := " + " + ".join(["1"] * 128) + ";"
    ifs = "".join("IF B THEN\n" for _ in range(30)) + "X := 2;\n" + "END_IF;\n" * 30
    fns = compile_algorithms("T", {"S": total, "I": ifs}, make_scope(DECLS))
    fb = make_instance(make_scope(DECLS))
    fns["S"](fb)
    assert fb.X == 128


@pytest.fixture
def short_watchdog() -> Iterator[None]:
    before = watchdog.budget()
    watchdog.set_budget(0.05)
    try:
        yield
    finally:
        watchdog.set_budget(before)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("X := 0;\nWHILE TRUE DO X := X + 1; END_WHILE;", 2),
        ("X := 0;\n\nREPEAT X := X + 1; UNTIL FALSE END_REPEAT;", 3),
        ("FOR X := 0 TO 2147483646 DO\n  IF X > 0 THEN CONTINUE; END_IF;\nEND_FOR;", 1),
    ],
    ids=["while", "repeat", "for-continue"],
)
def test_a_loop_that_runs_over_the_budget_is_stopped_naming_algorithm_and_line(
    short_watchdog: None, text: str, line: int
) -> None:
    fns = compile_algorithms("T", {"ALG": text}, make_scope(DECLS), origin="T.fbt")
    with pytest.raises(watchdog.WatchdogExpired) as info:
        fns["ALG"](make_instance(make_scope(DECLS)))
    assert str(info.value) == f"T.fbt: watchdog: ran over 50 ms in algorithm ALG, line {line}"


def test_a_function_that_loops_is_stopped_and_named(short_watchdog: None) -> None:
    fn = compile_function(
        "FUNCTION SPIN : DINT\nWHILE TRUE DO SPIN := SPIN + 1; END_WHILE;\nEND_FUNCTION",
        origin="SPIN.fct",
    )
    with pytest.raises(watchdog.WatchdogExpired, match="in function SPIN, line 2"):
        fn.fn(make_instance(make_scope({})))


def test_code_without_loops_never_looks_at_the_clock() -> None:
    from fbruntime.st import compiler

    seen: list[str] = []
    original = compiler._finish

    def spy(module, label, unit="algorithm"):  # type: ignore[no-untyped-def]
        seen.append("\n".join(module.lines))
        return original(module, label, unit)

    compiler._finish = spy  # type: ignore[assignment]
    try:
        compile_algorithms(
            "T", {"A": "X := X + 1;", "L": "WHILE B DO X := 1; END_WHILE;"}, make_scope(DECLS)
        )
    finally:
        compiler._finish = original  # type: ignore[assignment]
    body_a, _, body_l = seen[0].partition("def a__1")
    assert "h__now" not in body_a and "h__now" in body_l


def test_a_huge_power_is_instant_and_in_floating_point() -> None:
    fns = compile_algorithms("T", {"P": "R := 10 ** X;", "N": "R := (-2) ** X;"}, make_scope(DECLS))
    fb = make_instance(make_scope(DECLS))
    fb.X = 10_000_000
    fns["P"](fb)
    assert math.inf == fb.R
    fb.X = 10_000_001
    fns["N"](fb)
    assert -math.inf == fb.R
    fb.X = 10
    fns["P"](fb)
    assert fb.R == 1e10


def test_concat_stops_at_a_strings_length() -> None:
    fns = compile_algorithms("T", {"C": "S := CONCAT(S, S);"}, make_scope(DECLS))
    fb = make_instance(make_scope(DECLS))
    fb.S = "x" * 40_000
    fns["C"](fb)
    assert len(fb.S) == 65_534
