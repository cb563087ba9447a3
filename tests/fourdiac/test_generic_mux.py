"""F_MUX_n from XML: K selects (0 -> IN1), is typed apart from the inputs, and out of range
leaves OUT as it was (FORTE logs an error and keeps OUT)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.fourdiac import load_device, resolve_trigger
from tests.fourdiac import xmlfix as x


def write(folder: Path, name: str, text: str, ext: str = "fbt") -> None:
    (folder / f"{name}.{ext}").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("k", "expected"), [(0, "first"), (1, "second"), (2, ""), (-1, "")])
async def test_mux_selects_by_k_and_keeps_out_when_k_is_out_of_range(
    tmp_path: Path, k: int, expected: str
) -> None:
    mux = x.interface(
        ei=[("REQ", ["K", "IN1", "IN2"])],
        eo=[("CNF", ["OUT"])],
        di=[("K", "ANY_INT"), ("IN1", "ANY"), ("IN2", "ANY")],
        do=[("OUT", "ANY")],
    )
    write(tmp_path, "F_MUX_2", x.service("F_MUX_2", mux))
    src = x.interface(
        ei=[("REQ", [])],
        eo=[("CNF", ["K", "A", "B"])],
        do=[("K", "SINT", str(k)), ("A", "STRING", "'first'"), ("B", "STRING", "'second'")],
    )
    write(tmp_path, "SRC", x.simple("SRC", src, {}))
    net = x.network(
        [("Src", "SRC", {}), ("Mux", "F_MUX_2", {})],
        [("Src.CNF", "Mux.REQ")],
        [("Src.K", "Mux.K"), ("Src.A", "Mux.IN1"), ("Src.B", "Mux.IN2")],
    )
    write(tmp_path, "S", x.system("S", net), "sys")
    device = load_device(tmp_path / "S.sys", prefer_xml=True)
    res, fb, event = resolve_trigger(device, "App.Src.REQ")
    itf = res.find("App.Mux")[0].rt__type.interface
    assert [itf.data_port(p).type.name for p in ("K", "IN1", "OUT")] == ["SINT", "STRING", "STRING"]
    device.start()
    res.fire(f"{fb}.{event}")
    await res.settle()
    assert res.read("App.Mux.OUT") == expected
