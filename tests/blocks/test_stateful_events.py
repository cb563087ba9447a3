"""E_REND, E_SR, E_RS, E_D_FF, E_T_FF, E_R_TRIG, E_F_TRIG: what each remembers between events."""

from __future__ import annotations

import pytest

from .rig import Rig


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (["EI1", "EI2"], 1),
        (["EI2", "EI1"], 1),
        (["EI1", "EI1", "EI2"], 1),  # a repeated EI1 is not counted twice
        (["EI1", "EI2", "EI2"], 1),  # after EO both are needed again
        (["EI1", "EI2", "EI2", "EI1"], 2),
        (["EI1", "R", "EI2"], 0),  # R forgets EI1
        (["EI2", "R", "EI1"], 0),
        (["R", "EI1", "EI2"], 1),  # R in START changes nothing
    ],
)
async def test_rend_sends_eo_once_both_inputs_arrived(
    rig: Rig, inputs: list[str], expected: int
) -> None:
    rig.add("R", "E_REND")
    rig.start()
    await rig.fire(*(f"R.{i}" for i in inputs))
    assert rig.sent() == ["R.EO"] * expected


async def test_rend_forgets_a_pending_input_on_resource_reset(rig: Rig) -> None:
    rig.add("R", "E_REND")
    rig.start()
    await rig.fire("R.EI1")
    await rig.res.stop()
    rig.res.reset()
    rig.start()
    await rig.fire("R.EI2")
    assert rig.sent() == []


@pytest.mark.parametrize("type_name", ["E_SR", "E_RS"])
@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (["S"], [True]),
        (["R"], []),  # already reset: no change, no event
        (["S", "S"], [True]),
        (["S", "R"], [True, False]),
        (["S", "R", "R", "S"], [True, False, True]),
    ],
)
async def test_bistable_sends_eo_only_when_q_changes(
    rig: Rig, type_name: str, inputs: list[str], expected: list[bool]
) -> None:
    rig.add("B", type_name)
    rig.start()
    await rig.fire(*(f"B.{i}" for i in inputs))
    assert rig.values() == [{"Q": q} for q in expected]
    assert rig.read("B.Q") == (expected[-1] if expected else False)


@pytest.mark.parametrize(
    ("ds", "expected"),
    [
        ([False], []),
        ([True], [True]),
        ([True, True], [True]),
        ([True, False], [True, False]),
        ([True, False, False, True], [True, False, True]),
    ],
)
async def test_d_ff_latches_d_and_sends_eo_only_on_change(
    rig: Rig, ds: list[bool], expected: list[bool]
) -> None:
    rig.add("F", "E_D_FF")
    rig.start()
    for d in ds:
        rig.write("F.D", d)
        await rig.fire("F.CLK")
    assert rig.values() == [{"Q": q} for q in expected]


async def test_t_ff_toggles_q_and_sends_eo_on_every_clock(rig: Rig) -> None:
    rig.add("T", "E_T_FF")
    rig.start()
    await rig.fire("T.CLK", "T.CLK", "T.CLK")
    assert rig.values() == [{"Q": True}, {"Q": False}, {"Q": True}]


@pytest.mark.parametrize(
    ("type_name", "qis", "edges"),
    [
        ("E_R_TRIG", [True], 1),  # the remembered value starts FALSE
        ("E_R_TRIG", [False, True, True, False, True], 2),
        ("E_R_TRIG", [False, False], 0),
        ("E_F_TRIG", [False], 0),
        ("E_F_TRIG", [True, False], 1),
        ("E_F_TRIG", [True, False, False, True, False], 2),
    ],
)
async def test_edge_detectors_send_eo_once_per_edge(
    rig: Rig, type_name: str, qis: list[bool], edges: int
) -> None:
    rig.add("E", type_name)
    rig.start()
    for qi in qis:
        rig.write("E.QI", qi)
        await rig.fire("E.EI")
    assert rig.sent() == ["E.EO"] * edges
