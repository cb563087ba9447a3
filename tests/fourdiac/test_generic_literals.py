"""Typed literal parameters type a generic FB's pins; based numbers without a type do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.specialize import literal_type, type_generics
from tests.fourdiac import xmlfix as x


def write_move(folder: Path) -> None:
    move = x.interface(
        ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "ANY")], do=[("OUT", "ANY")]
    )
    (folder / "F_MOVE.fbt").write_text(x.service("F_MOVE", move, "GEN_FORTE_F_MOVE"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("16#FF", None),
        ("2#1010", None),
        ("8#17", None),
        ("-16#FF", None),
        ("255", None),
        ("'a#b'", None),
        ("BYTE#16#FF", "BYTE"),
        ("DINT#5", "DINT"),
        ("T#5s", "TIME"),
        ("lreal#1.5", "LREAL"),
    ],
)
def test_only_a_type_prefix_makes_a_literal_typed(text: str, expected: str | None) -> None:
    found = literal_type(text)
    assert (found.name if found is not None else None) == expected


@pytest.mark.parametrize(
    ("text", "pin_type"),
    [("16#FF", "ANY"), ("2#1010", "ANY"), ("8#17", "ANY"), ("BYTE#16#FF", "BYTE")],
)
def test_a_parameter_types_the_pin_only_when_its_literal_is_typed(
    tmp_path: Path, text: str, pin_type: str
) -> None:
    write_move(tmp_path)
    types = x.types_in(tmp_path)
    typed = type_generics({"M": types.get("F_MOVE")}, [], None, {"M": {"IN": text}})
    assert typed["M"].interface.data_port("IN").type.name == pin_type


async def test_a_based_literal_moves_into_a_byte_output(tmp_path: Path) -> None:
    write_move(tmp_path)
    itf = x.interface(ei=[("REQ", [])], eo=[("CNF", ["B"])], do=[("B", "BYTE")])
    net = x.network(
        [("M", "F_MOVE", {"IN": "16#FF"})],
        events=[("REQ", "M.REQ"), ("M.CNF", "CNF")],
        data=[("M.OUT", "B")],
    )
    (tmp_path / "Mask.fbt").write_text(x.composite("Mask", itf, net))
    mask = x.types_in(tmp_path).get("Mask")
    res = x.resource_with(("K", mask))
    res.start()
    res.fire("K.REQ")
    await res.settle()
    assert res.read("K.B") == 255
