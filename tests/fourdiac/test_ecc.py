"""Basic FB ECC semantics as FORTE runs them, from XML written by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from fbruntime.core import FBType, Resource
from fbruntime.core.ecc import BasicInstance
from fbruntime.fourdiac.errors import FourdiacError
from tests.fourdiac import xmlfix as x

COUNTER_ITF = x.interface(
    ei=[("CU", ["PV"]), ("R", [])],
    eo=[("CO", ["CV", "Q"]), ("RO", ["CV"])],
    di=[("PV", "INT", "3")],
    do=[("CV", "INT"), ("Q", "BOOL")],
)


def build(tmp_path: Path, name: str, text: str) -> FBType:
    (tmp_path / f"{name}.fbt").write_text(text, encoding="utf-8")
    return x.types_in(tmp_path).get(name)


async def run(res: Resource, *paths: str) -> None:
    for path in paths:
        res.fire(path)
        await res.settle()


@pytest.mark.parametrize("old", [True, False], ids=["1st-edition", "3.x"])
async def test_counter_counts_and_resets_in_both_file_generations(
    tmp_path: Path, old: bool
) -> None:
    cond = "CU & CV < 5" if old else "CU[CV < 5]"
    t = build(
        tmp_path,
        "CTR",
        x.basic(
            "CTR",
            COUNTER_ITF,
            [("START", []), ("CU", [("CU", "CO")]), ("R", [("R", "RO")])],
            [("START", "CU", cond), ("CU", "START", "1"), ("START", "R", "R"), ("R", "START", "1")],
            {"CU": "CV := CV + 1;\nQ := CV >= PV;", "R": "CV := 0;"},
            old=old,
        ),
    )
    res = x.resource_with(("C", t))
    trace = x.Trace(res)
    res.start()
    await run(res, "C.CU", "C.CU", "C.CU")
    assert res.read("C.CV") == 3 and res.read("C.Q") is True
    await run(res, "C.R")
    assert res.read("C.CV") == 0
    assert trace.events() == ["C.CO"] * 3 + ["C.RO"]


async def test_guard_stops_counting_at_the_limit(tmp_path: Path) -> None:
    t = build(
        tmp_path,
        "CTR",
        x.basic(
            "CTR",
            COUNTER_ITF,
            [("START", []), ("CU", [("CU", "CO")])],
            [("START", "CU", "CU[CV < 2]"), ("CU", "START", "1")],
            {"CU": "CV := CV + 1;"},
        ),
    )
    res = x.resource_with(("C", t))
    res.start()
    await run(res, *["C.CU"] * 5)
    assert res.read("C.CV") == 2


async def test_first_state_is_initial_and_first_true_transition_in_document_order_wins(
    tmp_path: Path,
) -> None:
    itf = x.interface(ei=[("EI", [])], eo=[("A", []), ("B", [])])
    t = build(
        tmp_path,
        "ORD",
        x.basic(
            "ORD",
            itf,
            [("S0", []), ("SA", [("", "A")]), ("SB", [("", "B")])],
            [("S0", "SA", "EI"), ("S0", "SB", "EI"), ("SA", "S0", "1"), ("SB", "S0", "1")],
            {},
        ),
    )
    res = x.resource_with(("F", t))
    trace = x.Trace(res)
    res.start()
    await run(res, "F.EI", "F.EI")
    assert trace.events() == ["F.A", "F.A"]


async def test_event_is_consumed_after_the_first_step(tmp_path: Path) -> None:
    itf = x.interface(ei=[("EI", [])], eo=[("A", []), ("B", [])])
    t = build(
        tmp_path,
        "TWO",
        x.basic(
            "TWO",
            itf,
            [("S0", []), ("S1", [("", "A")]), ("S2", [("", "B")])],
            [("S0", "S1", "EI"), ("S1", "S2", "EI")],
            {},
        ),
    )
    res = x.resource_with(("F", t))
    trace = x.Trace(res)
    res.start()
    await run(res, "F.EI")
    assert trace.events() == ["F.A"]
    await run(res, "F.EI")
    assert trace.events() == ["F.A", "F.B"]
    inst = res.find("F")[0]
    assert isinstance(inst, BasicInstance) and inst.rt__state_name() == "S2"


async def test_eventless_transitions_run_to_completion_with_actions_in_order(
    tmp_path: Path,
) -> None:
    itf = x.interface(ei=[("EI", [])], eo=[("EO", ["N"])], do=[("N", "INT")])
    t = build(
        tmp_path,
        "RUN",
        x.basic(
            "RUN",
            itf,
            [("S0", []), ("S1", [("INC", "EO")]), ("S2", [("INC", "EO"), ("INC", "")])],
            [("S0", "S1", "EI"), ("S1", "S2", "[N = 1]"), ("S2", "S0", "1")],
            {"INC": "N := N + 1;"},
        ),
    )
    res = x.resource_with(("F", t))
    trace = x.Trace(res)
    res.start()
    await run(res, "F.EI")
    # the output is sent after its algorithm: it carries the value the algorithm wrote
    assert [v["N"] for _, _, v in trace.items] == [1, 2]
    assert res.read("F.N") == 3


async def test_an_endless_eventless_cycle_is_stopped_and_recorded_on_the_instance(
    tmp_path: Path,
) -> None:
    itf = x.interface(ei=[("EI", [])], eo=[("EO", [])])
    loop = x.basic(
        "LOOP",
        itf,
        [("S0", []), ("S1", []), ("S2", [])],
        [("S0", "S1", "EI"), ("S1", "S2", "1"), ("S2", "S1", "TRUE")],
        {},
    )
    ok = x.basic(
        "OK", itf, [("S0", []), ("S1", [("", "EO")])], [("S0", "S1", "EI"), ("S1", "S0", "1")], {}
    )
    (tmp_path / "LOOP.fbt").write_text(loop)
    (tmp_path / "OK.fbt").write_text(ok)
    types = x.types_in(tmp_path)
    res = x.resource_with(("L", types.get("LOOP")), ("K", types.get("OK")))
    trace = x.Trace(res)
    res.start()
    await run(res, "L.EI", "K.EI")
    fault = res.find("L")[0].rt__fault
    assert fault is not None and "eventless" in fault.message and "L (LOOP)" in fault.message
    assert trace.events() == ["K.EO"]


async def test_a_runtime_fault_names_the_algorithm_and_st_line_and_the_resource_runs_on(
    tmp_path: Path,
) -> None:
    itf = x.interface(ei=[("EI", ["D"])], eo=[("EO", [])], di=[("D", "INT")], do=[("Q", "INT")])
    t = build(
        tmp_path,
        "DIV",
        x.basic(
            "DIV",
            itf,
            [("S0", []), ("S1", [("CALC", "EO")])],
            [("S0", "S1", "EI"), ("S1", "S0", "1")],
            {"CALC": "Q := 1;\nQ := 10 / D;"},
        ),
    )
    res = x.resource_with(("F", t))
    trace = x.Trace(res)
    res.start()
    await run(res, "F.EI")
    fault = res.find("F")[0].rt__fault
    assert fault is not None
    assert "CALC" in fault.message and "division by zero" in fault.message
    assert "DIV.fbt:" in fault.message and fault.event == "EI"
    # the fault ended the event's run and put the ECC back in S0: no later event is lost
    assert res.find("F")[0].rt__state_name() == "S0"  # type: ignore[attr-defined]
    res.write("F.D", 2)
    await run(res, "F.EI", "F.EI")
    assert res.read("F.Q") == 5 and trace.events() == ["F.EO", "F.EO"]


@pytest.mark.parametrize(
    ("states", "transitions", "algorithms", "message"),
    [
        ([("S0", [("NOPE", "")])], [], {}, "unknown algorithm 'NOPE'"),
        ([("S0", [("", "XO")])], [], {}, "unknown output event 'XO'"),
        ([("S0", [])], [("S0", "S9", "EI")], {}, "unknown state 'S9'"),
        ([("S0", []), ("S1", [])], [("S0", "S1", "XI[TRUE]")], {}, "'XI' is not an event input"),
        ([("S0", []), ("S1", [])], [("S0", "S1", "EI[Z > 1]")], {}, "condition"),
        ([("S0", [("A", "")])], [], {"A": "Q := ;"}, "algorithm A"),
    ],
)
def test_bad_basic_types_are_refused_naming_file_line_and_element(
    tmp_path: Path,
    states: list[tuple[str, list[tuple[str, str]]]],
    transitions: list[tuple[str, str, str]],
    algorithms: dict[str, str],
    message: str,
) -> None:
    itf = x.interface(ei=[("EI", [])], eo=[("EO", [])], do=[("Q", "INT")])
    path = tmp_path / "BAD.fbt"
    path.write_text(x.basic("BAD", itf, states, transitions, algorithms))
    with pytest.raises(FourdiacError) as info:
        x.types_in(tmp_path).get("BAD")
    assert message in str(info.value)
    assert info.value.file == str(path) and info.value.line > 0
