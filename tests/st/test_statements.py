"""Statements: each row runs an algorithm and checks the variable R afterwards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from st_support import Instance

CASES: list[tuple[str, str, Any]] = [
    ("if-true", "IF 1 < 2 THEN R := 1; END_IF;", 1),
    ("if-else", "IF FALSE THEN R := 1; ELSE R := 2; END_IF;", 2),
    ("elsif", "IF FALSE THEN R := 1; ELSIF TRUE THEN R := 3; ELSE R := 2; END_IF;", 3),
    ("nested if", "IF TRUE THEN IF FALSE THEN R := 1; ELSE R := 4; END_IF; END_IF;", 4),
    ("case single", "CASE 2 OF 1: R := 10; 2: R := 20; ELSE R := 99; END_CASE;", 20),
    ("case list", "CASE 5 OF 1, 5, 7: R := 1; END_CASE;", 1),
    ("case range", "CASE 15 OF 1..9: R := 1; 10..19: R := 2; END_CASE;", 2),
    ("case else", "CASE 50 OF 1..9: R := 1; ELSE R := 3; END_CASE;", 3),
    ("case multi stmt", "CASE 1 OF 1: R := 1; R := R + 1; 2: R := 9; END_CASE;", 2),
    ("case constant label", "CASE 7 OF K: R := 1; ELSE R := 2; END_CASE;", 1),
    ("for sum", "FOR I := 1 TO 10 DO R := R + I; END_FOR;", 55),
    ("for by", "FOR I := 0 TO 10 BY 5 DO R := R + 1; END_FOR;", 3),
    ("for negative step", "FOR I := 10 TO 1 BY -3 DO R := R * 10 + I; END_FOR;", 10741),
    ("for empty", "FOR I := 5 TO 1 DO R := 1; END_FOR;", 0),
    ("for exit", "FOR I := 1 TO 10 DO IF I = 4 THEN EXIT; END_IF; R := I; END_FOR;", 3),
    (
        "for continue",
        "FOR I := 1 TO 5 DO IF I MOD 2 = 0 THEN CONTINUE; END_IF; R := R + I; END_FOR;",
        9,
    ),
    ("while", "WHILE R < 100 DO R := R * 2 + 1; END_WHILE;", 127),
    ("repeat", "REPEAT R := R + 7; UNTIL R > 20 END_REPEAT;", 21),
    ("repeat runs once", "REPEAT R := R + 1; UNTIL TRUE END_REPEAT;", 1),
    (
        "repeat continue",
        "REPEAT R := R + 1; IF R < 3 THEN CONTINUE; END_IF; R := R + 10; UNTIL R >= 3 END_REPEAT;",
        13,
    ),
    ("return", "R := 1; RETURN; R := 2;", 1),
    ("empty statements", ";; R := 5;;", 5),
    ("comments", "(* a (* nested *) comment *) R := 1; // line\n/* block */ R := R + 1;", 2),
    ("var_temp", "VAR_TEMP t : INT := 4; END_VAR t := t * 2; R := t;", 8),
    (
        "wrapped algorithm",
        "ALGORITHM ALG\nVAR_TEMP\n  x : DINT;\nEND_VAR\nx := 6;\nR := x + 1;\nEND_ALGORITHM",
        7,
    ),
    ("var inside algorithm", "ALGORITHM ALG VAR x : INT := 2; END_VAR R := x; END_ALGORITHM", 2),
    (
        "temp array",
        "VAR_TEMP a : ARRAY [0..2] OF INT := [1, 2(5)]; END_VAR R := a[0] + a[1] + a[2];",
        11,
    ),
    (
        "two-dimensional array",
        "VAR_TEMP m : ARRAY [0..1, 1..2] OF INT; END_VAR m[1, 2] := 5; m[0, 1] := 2; R := m[1, 2] * m[0, 1];",
        10,
    ),
    ("array element assign", "A[2] := 9; R := A[2] + A[1];", 9),
    ("bit write", "W := 0; W.%X3 := TRUE; W.%X0 := TRUE; R := W;", 9),
    ("bit clear", "W := 16#FF; W.%X7 := FALSE; R := W;", 127),
    ("byte write", "W := 16#1234; W.%B1 := BYTE#16#AB; R := W;", 0xAB34),
    ("typed int wraps on store", "S := 127; S := S + 1; R := S;", -128),
    ("keyword case-insensitive", "if TRUE then r := 3; end_if;", 3),
]


@pytest.mark.parametrize(("label", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_statement_result(
    run_st: Callable[..., Instance], label: str, text: str, expected: Any
) -> None:
    decls = {"R": "DINT", "I": "INT", "A": "ARRAY [1..3] OF INT", "W": "WORD", "S": "SINT"}
    from st_support import make_instance, make_scope

    from fbruntime import iec
    from fbruntime.st import compile_algorithms

    scope = make_scope(decls, constants={"K": (iec.elementary("INT"), 7)})
    fb = make_instance(scope)
    compile_algorithms("T", {"ALG": text}, scope)["ALG"](fb)
    assert expected == fb.R


def test_algorithms_call_each_other() -> None:
    from st_support import make_instance, make_scope

    from fbruntime.st import compile_algorithms

    scope = make_scope({"R": "INT"})
    fns = compile_algorithms(
        "T",
        {"REQ": "this.RST(); R := R + 1; INC();", "RST": "R := 10;", "INC": "R := R * 2;"},
        scope,
    )
    fb = make_instance(scope, R=3)
    fns["REQ"](fb)
    assert fb.R == 22


def test_struct_members_are_read_and_written() -> None:
    from st_support import make_instance

    from fbruntime import iec
    from fbruntime.st import STScope, VarInfo, compile_algorithms

    point = iec.StructType(
        "Point", (("X", iec.elementary("INT"), None), ("Y", iec.elementary("INT"), 5))
    )
    scope = STScope(
        {
            "P": VarInfo("P", point, "internal"),
            "Q": VarInfo("Q", point, "internal"),
            "R": VarInfo("R", iec.elementary("INT"), "output"),
        },
        structs={"Point": point},
    )
    fns = compile_algorithms("T", {"A": "P.x := 3; Q := P; P.X := 4; R := Q.X + q.y;"}, scope)
    fb = make_instance(scope)
    fns["A"](fb)
    assert (fb.R, fb.P.X, fb.Q.X) == (8, 4, 3)


def test_assigning_an_array_copies_it() -> None:
    from st_support import make_instance, make_scope

    from fbruntime.st import compile_algorithms

    scope = make_scope({"A": "ARRAY [0..1] OF INT", "B": "ARRAY [0..1] OF INT"})
    fb = make_instance(scope, A=[1, 2])
    compile_algorithms("T", {"X": "B := A; A[0] := 7;"}, scope)["X"](fb)
    assert (fb.A, fb.B) == ([7, 2], [1, 2])
