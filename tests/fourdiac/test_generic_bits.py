"""F_SHL, F_SHR, F_ROL and F_ROR from XML: the width comes from the types of the connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fbruntime import iec
from fbruntime.core import Resource
from fbruntime.fourdiac import load_device, resolve_trigger
from tests.fourdiac import xmlfix as x

BIT_FB = x.interface(
    ei=[("REQ", ["IN", "N"])],
    eo=[("CNF", ["OUT"])],
    di=[("IN", "ANY_BIT"), ("N", "ANY_INT")],
    do=[("OUT", "ANY_BIT")],
)


def write_bit_fbs(folder: Path) -> None:
    for op in ("SHL", "SHR", "ROL", "ROR"):
        (folder / f"F_{op}.fbt").write_text(x.service(f"F_{op}", BIT_FB), encoding="utf-8")


def write(folder: Path, name: str, text: str, ext: str = "fbt") -> None:
    (folder / f"{name}.{ext}").write_text(text, encoding="utf-8")


async def run_system(
    folder: Path, fbs: list[tuple[str, str, dict[str, str]]], data: list[tuple[str, str]]
) -> tuple[Resource, Any]:
    """Load the system, fire App.Src.REQ (Src.CNF drives Op.REQ), return the resource."""
    write(folder, "S", x.system("S", x.network(fbs, [("Src.CNF", "Op.REQ")], data)), "sys")
    device = load_device(folder / "S.sys", prefer_xml=True)
    res, fb, event = resolve_trigger(device, "App.Src.REQ")
    device.start()
    res.fire(f"{fb}.{event}")
    await res.settle()
    return res, res.find("App.Op")[0]


def source(folder: Path, value_type: str, value: str, n: int) -> None:
    itf = x.interface(
        ei=[("REQ", [])],
        eo=[("CNF", ["V", "N"])],
        do=[("V", value_type, value), ("N", "INT", str(n))],
    )
    write(folder, "SRC", x.simple("SRC", itf, {}))


@pytest.mark.parametrize(
    ("op", "value_type", "value", "n", "expected"),
    [
        ("ROL", "BYTE", "16#81", 1, 0x03),
        ("ROL", "WORD", "16#81", 1, 0x0102),
        ("ROL", "BYTE", "16#81", 9, 0x03),  # rotating by N means by N mod 8
        ("ROL", "DWORD", "16#80000001", 4, 0x00000018),
        ("ROR", "BYTE", "16#81", 1, 0xC0),
        ("ROR", "WORD", "16#81", 1, 0x8040),
        ("ROR", "LWORD", "1", 1, 1 << 63),
        ("SHL", "BYTE", "16#81", 1, 0x02),
        ("SHL", "WORD", "16#81", 1, 0x0102),
        ("SHL", "BYTE", "16#FF", 8, 0),
        ("SHR", "BYTE", "16#81", 1, 0x40),
        ("SHR", "WORD", "16#8000", 15, 1),
        ("SHL", "WORD", "16#FF", -1, 0),  # a negative N gives 0 (FORTE)
        ("ROL", "BYTE", "16#81", -1, 0),
        ("ROL", "BOOL", "TRUE", 5, True),
        ("SHL", "BOOL", "TRUE", 1, False),
    ],
)
async def test_shift_and_rotate_work_at_the_width_of_the_connected_type(
    tmp_path: Path, op: str, value_type: str, value: str, n: int, expected: int
) -> None:
    write_bit_fbs(tmp_path)
    source(tmp_path, value_type, value, n)
    res, inst = await run_system(
        tmp_path,
        [("Src", "SRC", {}), ("Op", f"F_{op}", {})],
        [("Src.V", "Op.IN"), ("Src.N", "Op.N")],
    )
    assert inst.rt__type.interface.data_port("OUT").type.name == value_type
    assert res.read("App.Op.OUT") == expected


async def test_a_typed_literal_parameter_gives_the_width_and_n_keeps_its_own_type(
    tmp_path: Path,
) -> None:
    write_bit_fbs(tmp_path)
    source(tmp_path, "BYTE", "0", 4)
    res, inst = await run_system(
        tmp_path,
        [("Src", "SRC", {}), ("Op", "F_ROL", {"IN": "WORD#16#1234"})],
        [("Src.N", "Op.N")],
    )
    itf = inst.rt__type.interface
    assert (itf.data_port("IN").type.name, itf.data_port("N").type.name) == ("WORD", "INT")
    assert itf.data_port("OUT").type.name == "WORD"
    assert res.read("App.Op.OUT") == 0x2341


async def test_the_output_connection_types_the_operation_when_the_input_is_untyped(
    tmp_path: Path,
) -> None:
    write_bit_fbs(tmp_path)
    source(tmp_path, "BYTE", "0", 1)
    sink = x.interface(ei=[("REQ", ["W"])], di=[("W", "WORD")])
    write(tmp_path, "SINK", x.simple("SINK", sink, {}))
    res, inst = await run_system(
        tmp_path,
        [("Src", "SRC", {}), ("Op", "F_ROR", {"IN": "16#0003"}), ("Sink", "SINK", {})],
        [("Src.N", "Op.N"), ("Op.OUT", "Sink.W")],
    )
    assert inst.rt__type.interface.data_port("IN").type.name == "WORD"
    assert res.read("App.Op.OUT") == 0x8001


async def test_rotating_an_operand_without_a_bit_string_type_faults_with_the_reason(
    tmp_path: Path,
) -> None:
    write_bit_fbs(tmp_path)
    untyped = x.types_in(tmp_path).get("F_ROL")
    res = x.resource_with(("Op", untyped))
    res.start()
    res.write("Op.IN", 3)
    res.write("Op.N", 1)
    res.fire("Op.REQ")
    await res.settle()
    fault = str(res.find("Op")[0].rt__fault)
    assert "ROL: IN has no type, not a bit string" in fault


def test_a_control_pin_never_types_the_operands(tmp_path: Path) -> None:
    write_bit_fbs(tmp_path)
    base = x.types_in(tmp_path).get("F_SHL")
    typed = base.specialize({"N": iec.elementary("UINT")})  # type: ignore[attr-defined]
    itf = typed.interface
    assert itf.data_port("N").type.name == "UINT"
    assert itf.data_port("IN").type.is_generic and itf.data_port("OUT").type.is_generic
