"""Configured generic FBs: the IDE's instance attribute and FORTE's ``STRUCT_MUX_1<struct>``."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.configured import (
    configuration,
    configure_instance,
    configured_names,
    resolve_configured,
)
from fbruntime.fourdiac.errors import FourdiacError, Origin
from fbruntime.fourdiac.model import Attribute
from tests.fourdiac import xmlfix as x


def attr(name: str, value: str) -> Attribute:
    return Attribute(name, "", value, "", Origin("S.sys", 3))


def write_library(folder: Path) -> None:
    mux = x.interface(ei=[("REQ", [])], eo=[("CNF", ["OUT"])], do=[("OUT", "ANY_STRUCT")])
    move = x.interface(
        ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "ANY")], do=[("OUT", "ANY")]
    )
    (folder / "STRUCT_MUX.fbt").write_text(x.service("STRUCT_MUX", mux, "GEN_STRUCT_MUX"))
    (folder / "F_MOVE.fbt").write_text(x.service("F_MOVE", move, "GEN_FORTE_F_MOVE"))
    (folder / "Pair.dtp").write_text(
        f'{x.HEAD}<DataType Name="Pair"><CompilerInfo packageName="geo"/><StructuredType>'
        '<VarDeclaration Name="A" Type="DINT"/><VarDeclaration Name="B" Type="BOOL"/>'
        "</StructuredType></DataType>"
    )


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ([attr("StructuredType", "geo::Pair")], "geo::Pair"),
        ([attr("eclipse4diac::core::DataType", "UINT")], "UINT"),
        ([attr("DataType", "UINT"), attr("StructuredType", "Pair")], "Pair"),
        ([attr("Visible", "true")], None),
        ([], None),
    ],
)
def test_the_configuring_attribute_is_found_by_plain_name(
    attributes: list[Attribute], expected: str | None
) -> None:
    assert configuration(attributes) == expected


def test_an_instance_attribute_configures_struct_mux_and_f_move(tmp_path: Path) -> None:
    write_library(tmp_path)
    types = x.types_in(tmp_path)
    mux = configure_instance(types, types.get("STRUCT_MUX"), [attr("StructuredType", "geo::Pair")])
    assert [p.name for p in mux.interface.data_inputs] == ["A", "B"]
    move = configure_instance(types, types.get("F_MOVE"), [attr("DataType", "UINT")])
    assert move.interface.data_port("OUT").type.name == "UINT"
    unchanged = types.get("F_MOVE")
    assert configure_instance(types, unchanged, [attr("Visible", "true")]) is unchanged


def test_an_attribute_naming_an_unknown_type_is_an_error_naming_it(tmp_path: Path) -> None:
    write_library(tmp_path)
    types = x.types_in(tmp_path)
    with pytest.raises(FourdiacError, match="Nowhere"):
        configure_instance(types, types.get("STRUCT_MUX"), [attr("StructuredType", "Nowhere")])


async def test_forte_configured_name_resolves_to_a_running_mux(tmp_path: Path) -> None:
    write_library(tmp_path)
    types = x.types_in(tmp_path)
    mux = resolve_configured(types, "STRUCT_MUX_1Pair")
    assert mux is not None
    res = x.resource_with(("M", mux))
    res.start()
    res.write("M.A", 5)
    res.write("M.B", True)
    res.fire("M.REQ")
    await res.settle()
    out = res.read("M.OUT")
    assert (out.A, out.B) == (5, True)
    assert resolve_configured(types, "F_MOVE") is None


@pytest.mark.parametrize(
    ("name", "readings"),
    [
        ("STRUCT_MUX_1Pair", [("STRUCT_MUX", "Pair")]),
        ("STRUCT_MUX_1geo__Pair", [("STRUCT_MUX", "geo::Pair")]),
        ("F_MOVE_1UINT", [("F_MOVE", "UINT")]),
        ("STRUCT_MUX_1My_2Pair", [("STRUCT_MUX", "My_2Pair"), ("STRUCT_MUX_1My", "Pair")]),
        ("F_MOVE", []),
        ("E_CTU_1", []),
    ],
)
def test_deployed_configured_names_split_at_each_digit_leftmost_first(
    name: str, readings: list[tuple[str, str]]
) -> None:
    assert configured_names(name) == readings


def test_the_library_resolves_a_deployed_configured_move_and_refuses_a_wrong_struct(
    tmp_path: Path,
) -> None:
    write_library(tmp_path)
    types = x.types_in(tmp_path)
    assert types.get("F_MOVE_1UINT").interface.data_port("OUT").type.name == "UINT"
    assert types.find("STRUCT_MUX_1INT") is None
    assert "STRUCT_MUX_1INT" in str(types.problems[-1])
    assert "not a STRUCT" in str(types.problems[-1])
