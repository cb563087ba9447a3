"""Global constants seen from ST (the importer's resolver, the scope's own table) and the IDE's
BOOL-into-bit-string widening."""

from __future__ import annotations

from typing import Any

import pytest
from st_support import make_instance, make_scope

from fbruntime import iec
from fbruntime.st import STError, compile_algorithms
from fbruntime.st.scope import find_qualified

INT = iec.elementary("INT")
SINT = iec.elementary("SINT")


def run(text: str, decls: dict[str, str], **extra: Any) -> Any:
    scope = make_scope(decls, **extra)
    fb = make_instance(scope)
    compile_algorithms("T", {"ALG": text}, scope)["ALG"](fb)
    return fb


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pkg::DI::Invalid", "pkg::DI::Invalid"),
        ("DI::Invalid", "pkg::DI::Invalid"),
        ("DO::Invalid", "pkg::DO::Invalid"),
        ("do::invalid", "pkg::DO::Invalid"),
        ("Invalid", "pkg::DI::Invalid"),
        ("other::DO::Invalid", "pkg::DO::Invalid"),
        ("x::Missing", None),
    ],
)
def test_find_qualified_prefers_the_key_ending_in_all_given_segments(
    name: str, expected: str | None
) -> None:
    table = {"pkg::DI::Invalid": 1, "pkg::DO::Invalid": 2}
    assert find_qualified(table, name) == expected


def test_resolver_is_asked_before_the_constant_table() -> None:
    asked: list[str] = []

    def resolve(reference: str) -> tuple[iec.IecType, Any] | None:
        asked.append(reference)
        return (SINT, 5) if reference == "sequence::State_05" else None

    fb = run(
        "R := sequence::State_05; Q := K;",
        {"R": "SINT", "Q": "INT"},
        constants={"sequence::State_05": (SINT, 99), "K": (INT, 7)},
        resolve_constant=resolve,
    )
    assert (fb.R, fb.Q) == (5, 7)
    assert asked == ["sequence::State_05", "K"]


def test_resolved_constant_is_not_assignable() -> None:
    with pytest.raises(STError, match="'K' is a global constant and cannot be assigned"):
        run("K := 1;", {"R": "INT"}, resolve_constant=lambda r: (INT, 1) if r == "K" else None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W := B;", 1),
        ("W := D.%X1;", 1),
        ("W := D.%X0;", 0),
        ("W := TRUE;", 1),
    ],
)
def test_bool_widens_into_a_bit_string(text: str, expected: int) -> None:
    scope = make_scope({"W": "WORD", "B": "BOOL", "D": "DWORD"})
    fb = make_instance(scope, B=True, D=0b10)
    compile_algorithms("T", {"ALG": text}, scope)["ALG"](fb)
    assert expected == fb.W
    assert type(fb.W) is int


@pytest.mark.parametrize("target", ["INT", "REAL"])
def test_bool_does_not_widen_into_numbers(target: str) -> None:
    with pytest.raises(STError, match=f"cannot assign a BOOL value to {target}"):
        run("X := B;", {"X": target, "B": "BOOL"})


def test_calling_a_member_of_an_unknown_name_says_what_is_missing() -> None:
    with pytest.raises(STError, match="'pid' is not an internal FB, adapter or THIS"):
        run("pid.RST();", {"R": "INT"})
