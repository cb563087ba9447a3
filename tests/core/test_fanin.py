"""OR fan-in of data: a data input of a Python-built network may take several connections."""

from __future__ import annotations

import pytest

from fbruntime import (
    Block,
    CompositeBuilder,
    DataInput,
    DataOutput,
    EventInput,
    EventOutput,
    Resource,
)
from fbruntime.core import ConnectionError_


class Send(Block):
    """Sends V as OUT with CNF."""

    REQ = EventInput(with_=("V",))
    CNF = EventOutput(with_=("OUT",))
    V = DataInput("DINT")
    OUT = DataOutput("DINT")

    def on_REQ(self) -> None:
        self.OUT = self.V
        self.CNF()


class SendInt(Send):
    """The same with a narrower type (the connection converts)."""

    OUT = DataOutput("INT")


class Seen(Block):
    """Records IN at each REQ."""

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("LINT")
    OUT = DataOutput("LINT")

    def setup(self) -> None:
        self.seen: list[int] = []

    def on_REQ(self) -> None:
        self.seen.append(self.IN)
        self.OUT = self.IN
        self.CNF()


class Go(Block):
    """Two outputs, so tests can order A and B sending before D runs."""

    EI = EventInput()
    EO1 = EventOutput()
    EO2 = EventOutput()
    EO3 = EventOutput()

    def on_EI(self) -> None:
        self.EO1()
        self.EO2()
        self.EO3()


def fan_in(a_type: type[Block] = Send) -> Resource:
    """A and B both feed D.IN (and each triggers D.REQ); T triggers D.REQ feeding nothing."""
    res = Resource()
    res.add("A", a_type)
    res.add("B", Send)
    res.add("T", Go)
    res.add("D", Seen)
    for src, dst in [
        ("A.OUT", "D.IN"),
        ("B.OUT", "D.IN"),
        ("A.CNF", "D.REQ"),
        ("B.CNF", "D.REQ"),
    ]:
        res.connect(src, dst)
    return res


def seen(res: Resource) -> list[int]:
    return res.find("D")[0].seen  # type: ignore[attr-defined,no-any-return]


async def test_the_input_takes_the_value_of_the_block_whose_event_triggered_it() -> None:
    res = fan_in()
    res.add("G", Go)
    res.connect("G.EO1", "A.REQ")
    res.connect("G.EO2", "B.REQ")
    res.write("A.V", 1)
    res.write("B.V", 2)
    res.start()
    res.fire("G.EI")  # A and B both send before either D.REQ is processed
    await res.settle()
    assert seen(res) == [1, 2]  # not [2, 2]: each event carries its sender's value


async def test_an_event_from_a_block_that_does_not_feed_it_takes_the_latest_value() -> None:
    res = fan_in()
    res.connect("T.EO1", "D.REQ")
    res.start()
    for block, value in [("A", 5), ("B", 7)]:
        res.write(f"{block}.V", value)
        res.fire(f"{block}.REQ")
        await res.settle()
    res.fire("T.EI")
    await res.settle()
    res.write("A.V", 9)
    res.fire("A.REQ")
    res.fire("T.EI")
    await res.settle()
    assert seen(res) == [5, 7, 7, 9, 9]


async def test_each_source_converts_to_the_input_type() -> None:
    res = fan_in(SendInt)
    res.write("A.V", 300)
    res.start()
    res.fire("A.REQ")
    await res.settle()
    assert seen(res) == [300]
    assert type(seen(res)[0]) is int


async def test_reset_forgets_what_was_sent() -> None:
    res = fan_in()
    res.connect("T.EO1", "D.REQ")
    res.write("B.V", 4)
    res.start()
    res.fire("B.REQ")
    await res.settle()
    await res.stop()
    res.reset()
    res.start()
    res.fire("T.EI")
    await res.settle()
    assert seen(res) == [0]  # the input's initial value; seen restarts at reset (setup)


async def test_a_composite_input_and_an_inner_block_feed_one_inner_input() -> None:
    b = CompositeBuilder("Either")
    b.event_input("REQ", with_=["X"])
    b.event_input("OWN")
    b.event_output("CNF", with_=["Y"])
    b.data_input("X", "DINT")
    b.data_output("Y", "LINT")
    b.add("A", Send, V=42)
    b.add("D", Seen)
    for src, dst in [
        ("X", "D.IN"),
        ("A.OUT", "D.IN"),
        ("REQ", "D.REQ"),
        ("OWN", "A.REQ"),
        ("A.CNF", "D.REQ"),
        ("D.CNF", "CNF"),
        ("D.OUT", "Y"),
    ]:
        b.connect(src, dst)
    either = b.build()
    async with Resource() as res:
        res.add("E", either)
        res.start()
        assert (await res.call("E.REQ", X=3)).values == {"Y": 3}
        assert (await res.call("E.OWN")).values == {"Y": 42}
        assert (await res.call("E.REQ", X=5)).values == {"Y": 5}


async def test_several_inner_outputs_may_feed_the_composite_output() -> None:
    b = CompositeBuilder("Merge")
    b.event_input("L")
    b.event_input("R")
    b.event_output("CNF", with_=["Y"])
    b.data_output("Y", "DINT")
    b.add("A", Send, V=1)
    b.add("B", Send, V=2)
    for src, dst in [
        ("L", "A.REQ"),
        ("R", "B.REQ"),
        ("A.OUT", "Y"),
        ("B.OUT", "Y"),
        ("A.CNF", "CNF"),
        ("B.CNF", "CNF"),
    ]:
        b.connect(src, dst)
    async with Resource() as res:
        res.add("M", b.build())
        res.start()
        assert (await res.call("M.R")).values == {"Y": 2}
        assert (await res.call("M.L")).values == {"Y": 1}


def test_the_same_connection_twice_is_refused() -> None:
    res = fan_in()
    with pytest.raises(ConnectionError_, match="exists already"):
        res.connect("A.OUT", "D.IN")


async def test_disconnecting_one_source_leaves_a_plain_connection() -> None:
    res = fan_in()
    res.network.disconnect("B.OUT", "D.IN")
    assert not res.network.has_fan_in
    res.write("A.V", 6)
    res.start()
    res.fire("A.REQ")
    await res.settle()
    assert seen(res) == [6]


async def test_a_second_source_added_while_running_takes_effect() -> None:
    res = Resource()
    res.add("A", Send)
    res.add("D", Seen)
    res.connect("A.OUT", "D.IN")
    res.connect("A.CNF", "D.REQ")
    res.write("A.V", 1)
    res.start()
    res.fire("A.REQ")
    await res.settle()
    res.add("B", Send, V=2)  # deployed into the running resource: now D.IN fans in
    res.connect("B.OUT", "D.IN")
    res.connect("B.CNF", "D.REQ")
    res.fire("B.REQ")
    res.fire("A.REQ")
    await res.settle()
    assert seen(res) == [1, 2, 1]
