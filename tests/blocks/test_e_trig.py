"""E_TRIG: which event inputs of the resource a REQ triggers, in which order, and when CNF comes."""

from __future__ import annotations

import logging

import pytest

from fbruntime.core import (
    Block,
    CompositeType,
    EventInput,
    EventOutput,
    EventPort,
    InnerBlock,
    Interface,
)
from fbruntime.mgmt.resolver import native_resolver

from .rig import LIB, Rig


def typed(name: str, **events: str) -> CompositeType:
    """A composite whose event inputs have the given event types; each input X sends XO."""
    itf = Interface(
        event_inputs=tuple(EventPort(ev, (), type_name=t) for ev, t in events.items()),
        event_outputs=tuple(EventPort(f"{ev}O") for ev in events),
    )
    return CompositeType(name, itf, blocks=[], connections=[(ev, f"{ev}O") for ev in events])


INIT_ONLY = typed("InitOnly", INIT="EInit")
INIT_AND_RESET = typed("InitAndReset", INIT="EInit", RESET="EReset", REQ="Event")


async def test_req_triggers_each_unconnected_input_of_the_type_then_sends_cnf(rig: Rig) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.res.add("B", INIT_AND_RESET)
    rig.add("T", "E_TRIG")  # EVENTTYPE defaults to 'EInit'
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "B.INITO", "T.CNF"]


async def test_only_inputs_of_the_named_type_are_triggered(rig: Rig) -> None:
    rig.res.add("B", INIT_AND_RESET)
    rig.add("T", "E_TRIG", EVENTTYPE="EReset")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["B.RESETO", "T.CNF"]


async def test_connected_inputs_are_left_alone(rig: Rig) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.res.add("B", INIT_ONLY)
    rig.add("S", "E_SPLIT")
    rig.res.connect("S.EO1", "A.INIT")
    rig.add("T", "E_TRIG")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["B.INITO", "T.CNF"]


@pytest.mark.parametrize("event_type", ["Event", "EInit"])
async def test_blocks_without_typed_events_are_never_triggered(rig: Rig, event_type: str) -> None:
    rig.add("S", "E_SPLIT")
    rig.add("T", "E_TRIG", EVENTTYPE=event_type)
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["T.CNF"]


async def test_an_empty_event_type_sends_nothing(rig: Rig) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.add("T", "E_TRIG", EVENTTYPE="")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == []


async def test_what_a_triggered_block_sends_runs_before_the_next_is_triggered(rig: Rig) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.res.add("B", INIT_ONLY)
    rig.add("S", "E_SPLIT")
    rig.res.connect("A.INITO", "S.EI")
    rig.add("T", "E_TRIG")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "S.EO1", "S.EO2", "B.INITO", "T.CNF"]


async def test_a_req_during_the_walk_is_dropped(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.res.add("B", INIT_ONLY)
    rig.add("T", "E_TRIG")
    rig.res.connect("A.INITO", "T.REQ")
    rig.start()
    with caplog.at_level(logging.WARNING):
        await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "B.INITO", "T.CNF"]
    assert "T: REQ while the previous REQ is still triggering; dropped" in caplog.text


async def test_a_second_req_after_cnf_walks_again(rig: Rig) -> None:
    rig.res.add("A", INIT_ONLY)
    rig.add("T", "E_TRIG")
    rig.start()
    await rig.fire("T.REQ")
    await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "T.CNF", "A.INITO", "T.CNF"]


async def test_the_insides_of_composites_are_not_entered(rig: Rig) -> None:
    outer = CompositeType(
        "Outer",
        Interface(event_outputs=(EventPort("DONE"),)),
        blocks=[InnerBlock("Inner", INIT_ONLY)],
        connections=[("Inner.INITO", "DONE")],
    )
    rig.res.add("O", outer)
    rig.add("T", "E_TRIG")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["T.CNF"]


class Failing(Block):
    name = "TestFailing"
    REQ = EventInput()
    CNF = EventOutput()

    def on_REQ(self) -> None:
        raise RuntimeError("broken on purpose")


async def test_a_triggered_block_that_fails_is_faulted_and_the_walk_goes_on(rig: Rig) -> None:
    failing = CompositeType(
        "FailingInit",
        Interface(event_inputs=(EventPort("INIT", type_name="EInit"),)),
        blocks=[InnerBlock("F", Failing)],
        connections=[("INIT", "F.REQ")],
    )
    rig.res.add("A", INIT_ONLY)
    rig.res.add("X", failing)
    rig.res.add("B", INIT_ONLY)
    rig.add("T", "E_TRIG")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "B.INITO", "T.CNF"]
    fault = rig.res.find("X.F")[0].rt__fault
    assert fault is not None and fault.message == "broken on purpose"
    assert rig.res.find("T")[0].rt__fault is None


async def test_a_block_deleted_during_the_walk_is_skipped(rig: Rig) -> None:
    # A's INITO reaches D (which deletes B) while C is being triggered, before B's turn.
    for name in ("A", "C", "B"):
        rig.res.add(name, INIT_ONLY)
    rig.add("T", "E_TRIG")

    class Deleter(Block):
        name = "TestDeleter"
        REQ = EventInput()
        CNF = EventOutput()

        def on_REQ(self) -> None:
            rig.res.network.remove("B")

    rig.res.add("D", Deleter)
    rig.res.connect("A.INITO", "D.REQ")
    rig.start()
    await rig.fire("T.REQ")
    assert rig.sent() == ["A.INITO", "C.INITO", "T.CNF"]


def test_interface_is_forte_s() -> None:
    itf = LIB["E_TRIG"].interface
    assert [(e.name, *e.with_) for e in itf.event_inputs] == [("REQ", "EVENTTYPE")]
    assert [(e.name, *e.with_) for e in itf.event_outputs] == [("CNF",)]
    assert [(d.name, d.type.name, d.initial) for d in itf.data_inputs] == [
        ("EVENTTYPE", "STRING", "EInit")
    ]
    assert itf.data_outputs == ()


def test_the_qualified_3x_name_finds_the_native_block() -> None:
    found = native_resolver()("iec61499::events::E_TRIG")
    assert found is not None and found.name == "E_TRIG"
    assert found.origin.endswith("E_TRIG.py")
