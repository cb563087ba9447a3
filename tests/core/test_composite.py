"""Composite blocks (templates): nesting, parameters from inside and outside, dotted paths."""

from __future__ import annotations

import pytest

from fbruntime.core import CompositeBuilder, CompositeType, DefinitionError, InnerBlock, Resource

from .blocks import Counter, Scale


def line_type() -> CompositeType:
    """REQ(X) -> Filter(Scale, GAIN 2 inside) -> Amp(Scale, GAIN from the composite's K) -> CNF(Y)."""
    b = CompositeBuilder("Line", version="1.1", description="two scalers")
    b.event_input("REQ", with_=["X"])
    b.event_output("CNF", with_=["Y"])
    b.data_input("X", "REAL")
    b.parameter("K", "REAL", 10.0)
    b.data_output("Y", "REAL")
    b.add("Filter", Scale, GAIN=2.0)
    b.add("Amp", Scale)
    b.connect("REQ", "Filter.REQ")
    b.connect("X", "Filter.IN")
    b.connect("Filter.CNF", "Amp.REQ")
    b.connect("Filter.OUT", "Amp.IN")
    b.connect("K", "Amp.GAIN")
    b.connect("Amp.CNF", "CNF")
    b.connect("Amp.OUT", "Y")
    return b.build()


def plant_type(line: CompositeType) -> CompositeType:
    b = CompositeBuilder("Plant")
    b.event_input("GO", with_=["IN"])
    b.event_output("DONE", with_=["OUT"])
    b.data_input("IN", "REAL")
    b.data_output("OUT", "REAL")
    b.add("Line", line)
    b.connect("GO", "Line.REQ")
    b.connect("IN", "Line.X")
    b.connect("Line.CNF", "DONE")
    b.connect("Line.Y", "OUT")
    return b.build()


async def run_once(res: Resource, fire: str) -> None:
    res.fire(fire)
    await res.settle()


async def test_composite_runs_as_one_block() -> None:
    res = Resource()
    res.add("L", line_type(), X=1.5)
    res.add("C", Counter)
    res.connect("L.CNF", "C.CU")
    res.start()
    await run_once(res, "L.REQ")
    assert res.read("L.Y") == 30.0  # 1.5 * 2 (inside) * 10 (K default)
    assert res.read("C.CV") == 1


async def test_parameters_from_outside_win_over_inside() -> None:
    res = Resource()
    res.add("L", line_type(), X=1.0, K=3.0)
    res.write("L.Filter.GAIN", 5.0)  # overrides the inner default 2.0
    res.start()
    await run_once(res, "L.REQ")
    assert res.read("L.Y") == 15.0


async def test_outside_parameters_survive_a_reset() -> None:
    res = Resource()
    res.add("L", line_type(), X=1.0)
    res.write("L.Filter.GAIN", 4.0)
    res.start()
    await run_once(res, "L.REQ")
    await res.stop()
    res.reset()
    assert res.read("L.Filter.GAIN") == 4.0
    assert res.read("L.Amp.GAIN") == 10.0  # bound to the composite's parameter K
    assert res.read("L.Y") == 0.0
    res.start()
    await run_once(res, "L.REQ")
    assert res.read("L.Y") == 40.0


async def test_nested_composites_and_deep_paths() -> None:
    res = Resource()
    res.add("P", plant_type(line_type()), IN=2.0)
    res.write("P.Line.K", 0.5)
    events: list[str] = []
    res.add_tracer(lambda e: events.append(f"{e.path}.{e.event}"))
    res.start()
    await run_once(res, "P.GO")
    assert res.read("P.OUT") == 2.0  # 2 * 2 * 0.5
    assert res.read("P.Line.Filter.OUT") == 4.0
    # Inner blocks emit first; each boundary crossing is its own hop (FORTE cfb.cpp).
    assert events == ["P.Line.Filter.CNF", "P.Line.Amp.CNF", "P.Line.CNF", "P.DONE"]


async def test_composite_parameter_binds_to_inner_parameter() -> None:
    res = Resource()
    res.add("L", line_type(), X=1.0)
    assert res.read("L.Amp.GAIN") == 10.0
    res.write("L.K", 7.0)
    assert res.read("L.Amp.GAIN") == 7.0
    res.write("L.Amp.GAIN", 3.0)  # a direct write on the inner pin wins until K is set again
    res.start()
    await run_once(res, "L.REQ")
    assert res.read("L.Y") == 6.0


async def test_composite_inside_value_seen_from_outside_is_latched_input() -> None:
    # The inner block reads the composite's latched input, not the outer buffer.
    res = Resource()
    res.add("L", line_type(), X=1.0)
    res.start()
    await run_once(res, "L.REQ")
    res.write("L.X", 9.0)  # written but no event: inner Filter has not sampled it
    assert res.read("L.Filter.IN") == 1.0


def test_composite_that_contains_itself_is_refused_with_the_path() -> None:
    holder: dict[str, CompositeType] = {}
    a = CompositeType.__new__(CompositeType)
    from fbruntime.core import Interface

    b = CompositeType("B", Interface(), [InnerBlock("a", lambda: holder["A"])], [])
    CompositeType.__init__(a, "A", Interface(), [InnerBlock("b", b)], [])
    holder["A"] = a
    with pytest.raises(DefinitionError, match="composite A contains itself: A -> B -> A"):
        a.check()


def test_composite_with_a_bad_inner_connection_is_refused() -> None:
    b = CompositeBuilder("Bad")
    b.event_input("REQ")
    b.add("Amp", Scale)
    b.connect("REQ", "Amp.NOPE")
    with pytest.raises(Exception, match=r"Amp \(Scale\) has no pin 'NOPE'"):
        b.build()


def test_composite_describe_lists_its_interface() -> None:
    info = line_type().describe()
    assert info["kind"] == "composite" and info["version"] == "1.1"
    assert [p["name"] for p in info["interface"]["data_inputs"]] == ["X", "K"]


async def test_a_composite_is_callable_from_python_code() -> None:
    res = Resource()
    res.add("L", line_type(), K=2.0)
    res.start()
    answer = await res.call("L.REQ", X=3.0)
    assert (answer.event, answer.values) == ("CNF", {"Y": 12.0})
    answer = await res.call("L.REQ", X=0.5)
    assert answer.values == {"Y": 2.0}
