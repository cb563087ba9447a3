"""E_SPLIT, E_MERGE, E_SWITCH, E_PERMIT, E_SELECT, E_DEMUX: which output each input reaches."""

from __future__ import annotations

import pytest

from .rig import Rig


async def test_split_sends_eo1_then_eo2(rig: Rig) -> None:
    rig.add("S", "E_SPLIT")
    rig.start()
    await rig.fire("S.EI", "S.EI")
    assert rig.sent() == ["S.EO1", "S.EO2", "S.EO1", "S.EO2"]


async def test_split_destinations_run_breadth_first(rig: Rig) -> None:
    for name in ("A", "B", "C"):
        rig.add(name, "E_SPLIT")
    rig.res.connect("A.EO1", "B.EI")
    rig.res.connect("A.EO2", "C.EI")
    rig.start()
    await rig.fire("A.EI")
    assert rig.sent() == ["A.EO1", "A.EO2", "B.EO1", "B.EO2", "C.EO1", "C.EO2"]


@pytest.mark.parametrize("inputs", [["EI1"], ["EI2"], ["EI1", "EI2", "EI1"]])
async def test_merge_sends_eo_for_every_input(rig: Rig, inputs: list[str]) -> None:
    rig.add("M", "E_MERGE")
    rig.start()
    await rig.fire(*(f"M.{i}" for i in inputs))
    assert rig.sent() == ["M.EO"] * len(inputs)


@pytest.mark.parametrize(("g", "out"), [(False, "W.EO0"), (True, "W.EO1")])
async def test_switch_routes_by_g(rig: Rig, g: bool, out: str) -> None:
    rig.add("W", "E_SWITCH", G=g)
    rig.start()
    await rig.fire("W.EI")
    assert rig.sent() == [out]


async def test_switch_samples_g_from_its_connection_with_ei(rig: Rig) -> None:
    rig.add("T", "E_T_FF")  # EO WITH Q: toggles the value G sees
    rig.add("W", "E_SWITCH")
    rig.res.connect("T.Q", "W.G")
    rig.res.connect("T.EO", "W.EI")
    rig.start()
    await rig.fire("T.CLK")
    await rig.fire("T.CLK")
    assert rig.sent() == ["T.EO", "W.EO1", "T.EO", "W.EO0"]


@pytest.mark.parametrize(("permit", "expected"), [(True, ["P.EO"]), (False, [])])
async def test_permit_passes_only_when_permitted(
    rig: Rig, permit: bool, expected: list[str]
) -> None:
    rig.add("P", "E_PERMIT", PERMIT=permit)
    rig.start()
    await rig.fire("P.EI")
    assert rig.sent() == expected


@pytest.mark.parametrize(
    ("g", "event", "passes"),
    [(False, "EI0", True), (False, "EI1", False), (True, "EI0", False), (True, "EI1", True)],
)
async def test_select_passes_the_input_chosen_by_g(
    rig: Rig, g: bool, event: str, passes: bool
) -> None:
    rig.add("X", "E_SELECT", G=g)
    rig.start()
    await rig.fire(f"X.{event}")
    assert rig.sent() == (["X.EO"] if passes else [])


@pytest.mark.parametrize(
    ("k", "expected"),
    [(0, ["D.EO0"]), (1, ["D.EO1"]), (2, ["D.EO2"]), (3, ["D.EO3"]), (4, []), (65535, [])],
)
async def test_demux_sends_to_eo_k_and_ignores_k_above_3(
    rig: Rig, k: int, expected: list[str]
) -> None:
    rig.add("D", "E_DEMUX", K=k)
    rig.start()
    await rig.fire("D.EI")
    assert rig.sent() == expected
