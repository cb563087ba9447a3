"""Compile errors name the file, line, column, algorithm and the offending identifier; runtime
faults name the algorithm and the ST line (mapped through the caller's line offsets)."""

from __future__ import annotations

import pytest
from st_support import make_instance, make_scope

from fbruntime.st import STError, STRuntimeError, compile_algorithms, compile_condition

DECLS = {"X": "INT", "S": "STRING", "B": "BOOL", "A": "ARRAY [1..3] OF INT", "W": "WORD"}

COMPILE_ERRORS: list[tuple[str, str, int, int]] = [
    ("X := Y;", "unknown identifier 'Y'", 1, 6),
    ("X := 1;\nX := S;", "cannot assign a STRING value to INT", 2, 6),
    ("S := X;", "cannot assign a INT value to STRING", 1, 6),
    ("S := WSTRING#'w';", "cannot assign a WSTRING value to STRING", 1, 6),
    ("X := FOO(1);", "unknown function 'FOO'", 1, 6),
    ("X := LIMIT(MN := 1, IN := 2, MAXX := 3);", "LIMIT has no parameter 'MAXX'", 1, 30),
    ("X := ABS(1, 2);", "ABS takes 1 argument(s), not 2", 1, 6),
    ("X := 1", "expected ';' but found end of text", 1, 7),
    ("X = 1;", "expected ':=' for an assignment, found '='", 1, 3),
    ("IF B THEN X := 1;", "expected END_IF but found end of text", 1, 18),
    ("IF X THEN X := 1; END_IF;", "condition must be BOOL, not INT", 1, 4),
    ("EXIT;", "EXIT outside of a loop", 1, 1),
    ("X := A[4];", "index 4 is out of bounds [1..3]", 1, 8),
    ("X := W.%X16;", "WORD has no bit 16", 1, 7),
    ("X := 'abc' + 1;", "operator + cannot be applied to STRING and ANY_INT", 1, 12),
    ("X := X.foo;", "INT has no member 'foo'", 1, 7),
    ("X := 1; (* never closed", "comment is never closed", 1, 9),
    ("X := INT#hello;", "bad literal INT#hello", 1, 6),
    ("K := 1;", "'K' is a constant and cannot be assigned", 1, 1),
]


@pytest.mark.parametrize(("text", "message", "line", "col"), COMPILE_ERRORS)
def test_compile_error_names_place_and_problem(
    text: str, message: str, line: int, col: int
) -> None:
    from fbruntime import iec
    from fbruntime.st import STScope, VarInfo

    base = make_scope(DECLS)
    scope = STScope({**base.variables, "K": VarInfo("K", iec.elementary("INT"), "constant")})
    with pytest.raises(STError) as info:
        compile_algorithms("T", {"ALG": text}, scope, origin="lib/T.fbt", line_offsets={"ALG": 1})
    err = info.value
    assert message in str(err)
    assert (err.origin, err.line, err.column, err.algorithm) == ("lib/T.fbt", line, col, "ALG")
    assert str(err).startswith(f"lib/T.fbt:{line}:{col}: in algorithm ALG: ")


def test_line_offsets_shift_reported_lines() -> None:
    with pytest.raises(STError) as info:
        compile_algorithms(
            "T",
            {"REQ": "X := 1;\n\nX := nope;"},
            make_scope(DECLS),
            origin="T.fbt",
            line_offsets={"REQ": 40},
        )
    assert (info.value.line, info.value.algorithm) == (42, "REQ")


RUNTIME_FAULTS: list[tuple[str, str, int]] = [
    ("X := 1;\nX := 10 / (X - 1);", "integer division by zero", 2),
    ("X := 0;\n\nX := 5 MOD X;", "MOD by zero", 3),
    ("X := 0;\nX := A[X];", "array index 0 is out of bounds [1..3]", 2),
    ("X := -1;\nA[X + 2] := 1;\nA[X] := 2;", "array index -1 is out of bounds [1..3]", 3),
    ("X := 9;\nX := MUX(X, 1, 2);", "MUX selector 9 is out of range 0..1", 2),
    ("X := 0;\nFOR X := 1 TO 3 BY X DO END_FOR;", "FOR step is zero", 2),
]


@pytest.mark.parametrize(("text", "message", "line"), RUNTIME_FAULTS)
def test_runtime_fault_names_algorithm_and_st_line(text: str, message: str, line: int) -> None:
    scope = make_scope(DECLS)
    fns = compile_algorithms("T", {"REQ": text}, scope, origin="T.fbt", line_offsets={"REQ": 10})
    with pytest.raises(STRuntimeError) as info:
        fns["REQ"](make_instance(scope))
    err = info.value
    assert message in err.message
    assert (err.algorithm, err.line) == ("REQ", line + 9)


def test_fault_in_called_algorithm_names_that_algorithm() -> None:
    scope = make_scope(DECLS)
    fns = compile_algorithms("T", {"REQ": "X := 1;\nthis.BAD();", "BAD": "X := X / 0;"}, scope)
    with pytest.raises(STRuntimeError) as info:
        fns["REQ"](make_instance(scope))
    assert (info.value.algorithm, info.value.line) == ("BAD", 1)


def test_negative_index_does_not_wrap_to_the_end() -> None:
    scope = make_scope({"A": "ARRAY [0..2] OF INT", "I": "INT"})
    fns = compile_algorithms("T", {"R": "A[I] := 1;"}, scope)
    with pytest.raises(STRuntimeError, match="out of bounds"):
        fns["R"](make_instance(scope, I=-1))


CONDITIONS: list[tuple[str, dict[str, object], bool]] = [
    ("CV < 65535", {"CV": 3}, True),
    ("(CV<4294967295)", {"CV": 4294967295}, False),
    ("NOT G", {"G": False}, True),
    ("TRUE = QI", {"QI": True}, True),
    ("1", {}, True),
    ("CV < MIN(3, N - 1)", {"CV": 1, "N": 3}, True),
    ("IB = quarter::STATUS_ENABLED", {"IB": 2}, True),
]


@pytest.mark.parametrize(("text", "values", "expected"), CONDITIONS)
def test_transition_condition(text: str, values: dict[str, object], expected: bool) -> None:
    from fbruntime import iec
    from fbruntime.st import STScope

    base = make_scope({"CV": "UDINT", "G": "BOOL", "QI": "BOOL", "N": "INT", "IB": "INT"})
    scope = STScope(
        base.variables, constants={"quarter::STATUS_ENABLED": (iec.elementary("INT"), 2)}
    )
    fn = compile_condition(text, scope)
    assert fn(make_instance(scope, **values)) is expected


def test_condition_that_is_not_bool_is_refused() -> None:
    with pytest.raises(STError, match="must be BOOL, not INT"):
        compile_condition("X + 1", make_scope(DECLS), origin="T.fbt", line=7)
