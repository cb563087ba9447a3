"""Instance attributes configure generic FBs in systems and composites (``StructuredType``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac.build import FourdiacTypes
from fbruntime.fourdiac.loader import LoadError, load_system
from tests.fourdiac import xmlfix as x

PAIR_DTP = (
    f'{x.HEAD}<DataType Name="Pair"><CompilerInfo packageName="geo"/><StructuredType>'
    '<VarDeclaration Name="A" Type="DINT"/><VarDeclaration Name="B" Type="BOOL"/>'
    "</StructuredType></DataType>"
)


def write_library(folder: Path) -> None:
    mux = x.interface(ei=[("REQ", [])], eo=[("CNF", ["OUT"])], do=[("OUT", "ANY_STRUCT")])
    demux = x.interface(ei=[("REQ", ["IN"])], eo=[("CNF", [])], di=[("IN", "ANY_STRUCT")])
    move = x.interface(
        ei=[("REQ", ["IN"])], eo=[("CNF", ["OUT"])], di=[("IN", "ANY")], do=[("OUT", "ANY")]
    )
    (folder / "STRUCT_MUX.fbt").write_text(x.service("STRUCT_MUX", mux, "GEN_STRUCT_MUX"))
    (folder / "STRUCT_DEMUX.fbt").write_text(x.service("STRUCT_DEMUX", demux, "GEN_STRUCT_DEMUX"))
    (folder / "F_MOVE.fbt").write_text(x.service("F_MOVE", move, "GEN_FORTE_F_MOVE"))
    (folder / "Pair.dtp").write_text(PAIR_DTP)


def fb(name: str, type_name: str, attributes: dict[str, str], params: dict[str, str]) -> str:
    body = "".join(f'<Parameter Name="{k}" Value="{v}"/>' for k, v in params.items())
    body += "".join(
        f'<Attribute Name="{k}" Type="STRING" Value="{v}"/>' for k, v in attributes.items()
    )
    return f'<FB Name="{name}" Type="{type_name}">{body}</FB>'


def connections(events: list[tuple[str, str]], data: list[tuple[str, str]]) -> str:
    def group(tag: str, items: list[tuple[str, str]]) -> str:
        inner = "".join(f'<Connection Source="{s}" Destination="{d}"/>' for s, d in items)
        return f"<{tag}>{inner}</{tag}>"

    return group("EventConnections", events) + group("DataConnections", data)


def write_system(
    folder: Path, demux_attributes: dict[str, str], mux_type: str = "geo::Pair"
) -> Path:
    network = (
        "<SubAppNetwork>"
        + fb("M", "STRUCT_MUX", {"StructuredType": mux_type}, {"A": "DINT#7", "B": "TRUE"})
        + fb("D", "STRUCT_DEMUX", demux_attributes, {})
        + fb("Mv", "F_MOVE", {"eclipse4diac::core::DataType": "DINT"}, {})
        + connections(
            [("M.CNF", "D.REQ"), ("D.CNF", "Mv.REQ")], [("M.OUT", "D.IN"), ("D.A", "Mv.IN")]
        )
        + "</SubAppNetwork>"
    )
    path = folder / "S.sys"
    path.write_text(
        f'{x.HEAD}<System Name="S"><Application Name="App">{network}</Application></System>'
    )
    return path


@pytest.mark.parametrize(
    "demux_attributes", [{}, {"StructuredType": "geo::Pair"}], ids=["by-connection", "by-attribute"]
)
async def test_a_configured_mux_wired_to_a_demux_moves_the_members_through(
    tmp_path: Path, demux_attributes: dict[str, str]
) -> None:
    write_library(tmp_path)
    loaded = load_system(write_system(tmp_path, demux_attributes), FourdiacTypes([tmp_path]))
    res = loaded.device.resource("_default")
    move = res.network.instances["App.Mv"]
    assert move.rt__type.interface.data_port("OUT").type.name == "DINT"
    res.start()
    res.fire("App.M.REQ")
    await res.settle()
    assert (res.read("App.D.A"), res.read("App.D.B")) == (7, True)
    assert res.read("App.Mv.OUT") == 7


def test_an_attribute_naming_an_unknown_struct_is_reported_with_the_fb(tmp_path: Path) -> None:
    write_library(tmp_path)
    with pytest.raises(LoadError, match=r"App\.M: .*Nowhere"):
        load_system(write_system(tmp_path, {}, mux_type="Nowhere"), FourdiacTypes([tmp_path]))


async def test_a_composite_configures_its_inner_mux_from_the_instance_attribute(
    tmp_path: Path,
) -> None:
    write_library(tmp_path)
    itf = x.interface(
        ei=[("REQ", ["X", "Y"])],
        eo=[("CNF", ["A", "B"])],
        di=[("X", "DINT"), ("Y", "BOOL")],
        do=[("A", "DINT"), ("B", "BOOL")],
    )
    network = (
        "<FBNetwork>"
        + fb("M", "STRUCT_MUX", {"StructuredType": "geo::Pair"}, {})
        + fb("D", "STRUCT_DEMUX", {}, {})
        + connections(
            [("REQ", "M.REQ"), ("M.CNF", "D.REQ"), ("D.CNF", "CNF")],
            [("X", "M.A"), ("Y", "M.B"), ("M.OUT", "D.IN"), ("D.A", "A"), ("D.B", "B")],
        )
        + "</FBNetwork>"
    )
    (tmp_path / "Pack.fbt").write_text(x.composite("Pack", itf, network))
    res = x.resource_with(("P", x.types_in(tmp_path).get("Pack")))
    res.start()
    res.write("P.X", -3)
    res.write("P.Y", True)
    res.fire("P.REQ")
    await res.settle()
    assert (res.read("P.A"), res.read("P.B")) == (-3, True)
