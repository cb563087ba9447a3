from __future__ import annotations

import pytest

from fbruntime.mgmt.typenames import namespace_of, normalize_type_name


@pytest.mark.parametrize(
    ("name", "candidates"),
    [
        ("E_CTU", ("E_CTU",)),
        ("iec61499::events::E_CTU", ("iec61499::events::E_CTU", "E_CTU")),
        ("iec61499__events__E_CTU", ("iec61499__events__E_CTU", "iec61499::events::E_CTU", "E_CTU")),
        ("logiBUS::io::DQ::logiBUS_QXA", ("logiBUS::io::DQ::logiBUS_QXA", "logiBUS_QXA")),
        ("  EMB_RES ", ("EMB_RES",)),
        ("__PRIVATE", ("__PRIVATE",)),
    ],
)  # fmt: skip
def test_type_names_give_the_candidates_to_look_up(name: str, candidates: tuple[str, ...]) -> None:
    assert normalize_type_name(name) == candidates


@pytest.mark.parametrize(
    ("name", "namespace"),
    [("E_CTU", ""), ("iec61499::events::E_CTU", "iec61499::events"), ("a__b__C", "a::b")],
)
def test_the_namespace_of_a_type_name(name: str, namespace: str) -> None:
    assert namespace_of(name) == namespace
