"""STRUCT_MUX and STRUCT_DEMUX: one pin per member of the struct they are configured with."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fbruntime import iec
from fbruntime.fourdiac import load_device, resolve_trigger
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.generic import GenericFBType, operation_name
from fbruntime.fourdiac.structmux import configured_struct_name
from tests.fourdiac import xmlfix as x

POINT = (
    f'{x.HEAD}<DataType Name="Point"><StructuredType>'
    '<VarDeclaration Name="X" Type="INT" InitialValue="7"/>'
    '<VarDeclaration Name="Y" Type="LREAL"/>'
    '<VarDeclaration Name="Tag" Type="STRING"/>'
    "</StructuredType></DataType>"
)


def write(folder: Path, name: str, text: str, ext: str = "fbt") -> None:
    (folder / f"{name}.{ext}").write_text(text, encoding="utf-8")


def write_library(folder: Path) -> None:
    """The convert library's two declarations (GenericClassName as in 4diac) and a struct."""
    mux = x.interface(ei=[("REQ", [])], eo=[("CNF", ["OUT"])], do=[("OUT", "ANY_STRUCT")])
    demux = x.interface(ei=[("REQ", ["IN"])], eo=[("CNF", [])], di=[("IN", "ANY_STRUCT")])
    write(folder, "STRUCT_MUX", x.service("STRUCT_MUX", mux, "GEN_STRUCT_MUX"))
    write(folder, "STRUCT_DEMUX", x.service("STRUCT_DEMUX", demux, "GEN_STRUCT_DEMUX"))
    write(folder, "Point", POINT, "dtp")


def configured(folder: Path, name: str) -> Any:
    types = x.types_in(folder)
    base = types.get(name)
    assert isinstance(base, GenericFBType)
    return base.configure(types.structs.struct("Point"))


def test_configured_mux_has_one_input_per_member_sampled_by_req(tmp_path: Path) -> None:
    write_library(tmp_path)
    itf = configured(tmp_path, "STRUCT_MUX").interface
    assert [(p.name, p.type.name) for p in itf.data_inputs] == [
        ("X", "INT"),
        ("Y", "LREAL"),
        ("Tag", "STRING"),
    ]
    assert itf.data_inputs[0].initial == 7  # the member's initial value
    assert itf.event_input("REQ").with_ == ("X", "Y", "Tag")
    assert [(p.name, p.type.name) for p in itf.data_outputs] == [("OUT", "Point")]


def test_configured_demux_has_one_output_per_member_sent_with_cnf(tmp_path: Path) -> None:
    write_library(tmp_path)
    itf = configured(tmp_path, "STRUCT_DEMUX").interface
    assert [p.name for p in itf.data_outputs] == ["X", "Y", "Tag"]
    assert itf.event_output("CNF").with_ == ("X", "Y", "Tag")
    assert itf.data_port("IN").type.name == "Point"


async def test_mux_feeds_demux_through_a_connection(tmp_path: Path) -> None:
    write_library(tmp_path)
    res = x.resource_with(
        ("Mux", configured(tmp_path, "STRUCT_MUX")),
        ("Demux", configured(tmp_path, "STRUCT_DEMUX")),
    )
    res.connect("Mux.CNF", "Demux.REQ")
    res.connect("Mux.OUT", "Demux.IN")
    res.start()
    res.write("Mux.X", 70000)  # wraps as INT when it is stored
    res.write("Mux.Y", 2.5)
    res.write("Mux.Tag", "p1")
    res.fire("Mux.REQ")
    await res.settle()
    assert [res.read(f"Demux.{m}") for m in ("X", "Y", "Tag")] == [4464, 2.5, "p1"]
    res.write("Mux.Tag", "p2")
    res.fire("Mux.REQ")
    await res.settle()
    assert res.read("Demux.Tag") == "p2"


async def test_a_struct_typed_connection_configures_mux_and_demux_in_a_system(
    tmp_path: Path,
) -> None:
    write_library(tmp_path)
    src = x.interface(
        ei=[("REQ", [])],
        eo=[("CNF", ["A", "B"])],
        do=[("A", "INT", "3"), ("B", "LREAL", "1.5")],
    )
    write(tmp_path, "SRC", x.simple("SRC", src, {}))
    relay = x.interface(
        ei=[("REQ", ["P"])], eo=[("CNF", ["Q"])], di=[("P", "Point")], do=[("Q", "Point")]
    )
    write(tmp_path, "RELAY", x.simple("RELAY", relay, {"REQ": "Q := P;\nQ.Tag := 'seen';"}))
    fbs = [("Src", "SRC", {}), ("Mux", "STRUCT_MUX", {}), ("Relay", "RELAY", {})]
    fbs.append(("Demux", "STRUCT_DEMUX", {}))
    net = x.network(
        fbs,
        [("Src.CNF", "Mux.REQ"), ("Mux.CNF", "Relay.REQ"), ("Relay.CNF", "Demux.REQ")],
        [("Src.A", "Mux.X"), ("Src.B", "Mux.Y"), ("Mux.OUT", "Relay.P"), ("Relay.Q", "Demux.IN")],
    )
    write(tmp_path, "S", x.system("S", net), "sys")
    device = load_device(tmp_path / "S.sys", prefer_xml=True)
    res, fb, event = resolve_trigger(device, "App.Src.REQ")
    device.start()
    res.fire(f"{fb}.{event}")
    await res.settle()
    assert [res.read(f"App.Demux.{m}") for m in ("X", "Y", "Tag")] == [3, 1.5, "seen"]


def test_an_unconfigured_mux_in_a_system_is_reported_with_what_to_do(tmp_path: Path) -> None:
    write_library(tmp_path)
    net = x.network(
        [("Mux", "STRUCT_MUX", {}), ("Demux", "STRUCT_DEMUX", {})],
        [("Mux.CNF", "Demux.REQ")],
        [("Mux.OUT", "Demux.IN")],
    )
    write(tmp_path, "S", x.system("S", net), "sys")
    with pytest.raises(FourdiacError) as caught:
        load_device(tmp_path / "S.sys", prefer_xml=True)
    text = str(caught.value)
    assert "Mux" in text and "STRUCT_MUX needs the struct it works on" in text
    assert "StructuredType" in text


def test_configuring_a_mux_with_a_type_that_is_not_a_struct_is_refused(tmp_path: Path) -> None:
    write_library(tmp_path)
    base = x.types_in(tmp_path).get("STRUCT_DEMUX")
    assert isinstance(base, GenericFBType)
    with pytest.raises(FourdiacError, match="configured with INT, which is not a STRUCT"):
        base.configure(iec.elementary("INT"))


@pytest.mark.parametrize(
    ("deployed", "expected"),
    [
        ("STRUCT_MUX_1Point", ("STRUCT_MUX", "Point")),
        ("STRUCT_DEMUX_1My_Struct", ("STRUCT_DEMUX", "My_Struct")),
        ("convert::STRUCT_MUX_1Point", ("STRUCT_MUX", "Point")),
        ("STRUCT_MUX", None),
        ("F_MUX_2", None),
    ],
)
def test_forte_deployed_names_carry_the_struct_name(
    deployed: str, expected: tuple[str, str] | None
) -> None:
    assert configured_struct_name(deployed) == expected


def test_a_deployed_struct_mux_name_maps_to_the_struct_operation() -> None:
    assert operation_name("STRUCT_MUX_1Point", None) == "STRUCT_MUX"
    assert operation_name("STRUCT_DEMUX", "'GEN_STRUCT_DEMUX'") == "STRUCT_DEMUX"


def test_f_move_configured_with_a_data_type_moves_that_type(tmp_path: Path) -> None:
    move = x.interface(
        ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "ANY")], do=[("OUT", "ANY")]
    )
    write(tmp_path, "F_MOVE", x.service("F_MOVE", move, "GEN_FORTE_F_MOVE"))
    base = x.types_in(tmp_path).get("F_MOVE")
    assert isinstance(base, GenericFBType)
    itf = base.configure(iec.elementary("UINT")).interface
    assert (itf.data_port("IN").type.name, itf.data_port("OUT").type.name) == ("UINT", "UINT")
