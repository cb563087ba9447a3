"""Async handlers run on their own event's inputs, answer in event order, and settle() waits."""

from __future__ import annotations

import asyncio

import pytest

from fbruntime import (
    Block,
    DataInput,
    DataOutput,
    EventInput,
    EventOutput,
    OutputEvent,
    Parameter,
    Resource,
    TestClock,
)


class Feed(Block):
    """Sends V as OUT (a sync source whose event carries a value)."""

    REQ = EventInput(with_=("V",))
    CNF = EventOutput(with_=("OUT",))
    V = DataInput("LREAL")
    OUT = DataOutput("LREAL")

    def on_REQ(self) -> None:
        self.OUT = self.V
        self.CNF()


class Slow(Block):
    """Waits DT (or IN seconds when BY_IN), then passes IN on; SET reads IN without WITH."""

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("LREAL")
    DT = Parameter("LREAL", 1.0)
    BY_IN = Parameter("BOOL", False)
    OUT = DataOutput("LREAL")

    async def on_REQ(self) -> None:
        await self.sleep(self.IN if self.BY_IN else self.DT)
        self.OUT = self.IN
        self.CNF()


class Parallel(Slow):
    max_concurrency = 3


def outputs_of(res: Resource, path: str) -> list[float]:
    seen: list[float] = []

    def tracer(ev: OutputEvent) -> None:
        if ev.path == path:
            seen.append(ev.values["OUT"])

    res.add_tracer(tracer)
    return seen


def feeding(block: type[Block], clock: TestClock) -> Resource:
    res = Resource(clock=clock)
    res.add("F", Feed)
    res.add("S", block)
    res.connect("F.CNF", "S.REQ")
    res.connect("F.OUT", "S.IN")
    return res


async def feed(res: Resource, *values: float) -> None:
    for v in values:
        res.write("F.V", v)
        res.fire("F.REQ")
        await res.settle()


async def test_each_run_sees_the_inputs_its_event_brought() -> None:
    clock = TestClock()
    res = feeding(Slow, clock)
    seen = outputs_of(res, "S")
    res.start()
    await feed(res, 1.0, 2.0, 3.0)  # all three arrive while the first run waits
    await clock.advance(10)
    assert seen == [1.0, 2.0, 3.0]


async def test_concurrent_runs_keep_their_inputs_and_answer_in_event_order() -> None:
    clock = TestClock()
    res = feeding(Parallel, clock)
    res.write("S.BY_IN", True)  # each run waits as many seconds as its input says
    seen = outputs_of(res, "S")
    res.start()
    await feed(res, 3.0, 1.0, 2.0)
    await clock.advance(1.5)
    assert seen == []  # the 1 s run is done but waits for the 3 s run before it
    await clock.advance(2.0)
    assert seen == [3.0, 1.0, 2.0]


async def test_a_sync_event_sampling_the_same_input_meanwhile_changes_nothing() -> None:
    class Both(Slow):
        PEEK = EventInput(with_=("IN",))
        SEEN = EventOutput(with_=("OUT",))

        def on_PEEK(self) -> None:
            self.OUT = self.IN * 100
            self.SEEN()

    clock = TestClock()
    res = feeding(Both, clock)
    res.connect("F.CNF", "S.PEEK")
    seen = outputs_of(res, "S")
    res.start()
    await feed(res, 1.0, 2.0)
    await clock.advance(5)
    assert seen == [100.0, 200.0, 1.0, 2.0]


async def test_concurrent_calls_each_get_the_answer_to_their_own_inputs() -> None:
    async with Resource() as res:
        res.add("S", Slow, DT=0.01)
        res.start()
        a, b = await asyncio.gather(res.call("S.REQ", IN=10.0), res.call("S.REQ", IN=20.0))
        assert (a.values, b.values) == ({"OUT": 10.0}, {"OUT": 20.0})


async def test_call_inputs_travel_with_the_event_and_win_over_a_connection() -> None:
    peeks: list[float] = []

    class Peek(Block):
        REQ = EventInput()

        def on_REQ(self) -> None:
            peeks.append(res.read("S.IN"))

    async with Resource() as res:
        res.add("F", Feed, V=5.0)
        res.add("S", Slow, DT=0.0)
        res.add("P", Peek)
        res.connect("F.CNF", "S.REQ")
        res.connect("F.OUT", "S.IN")
        res.start()
        res.fire("F.REQ")
        await res.settle()
        res.fire("P.REQ")  # queued before the call's event: must not see the call's input
        answer = await res.call("S.REQ", IN=7.0)
        assert peeks == [5.0]
        assert answer.values == {"OUT": 7.0}


async def test_a_call_answered_later_by_a_timer_gets_the_next_event() -> None:
    class Delay(Block):
        START = EventInput()
        EO = EventOutput()

        def on_START(self) -> None:
            self.rt__clock().call_later(1_000_000, lambda: self.post(self.EO))

    async with Resource() as res:
        res.add("D", Delay)
        res.start()
        answer = await res.call("D.START")
        assert (answer.path, answer.event) == ("D", "EO")


async def test_a_fault_in_the_handler_is_raised_by_call() -> None:
    class Boom(Block):
        REQ = EventInput(with_=("IN",))
        IN = DataInput("DINT")

        async def on_REQ(self) -> None:
            await asyncio.sleep(0)
            raise RuntimeError(f"no {self.IN}")

    async with Resource() as res:
        res.add("B", Boom)
        res.start()
        with pytest.raises(RuntimeError, match="no 4"):
            await res.call("B.REQ", IN=4)
        fault = res.find("B")[0].rt__fault
        assert fault is not None and fault.message == "no 4"


async def test_settle_waits_for_running_async_handlers() -> None:
    class Later(Block):
        REQ = EventInput()
        CNF = EventOutput()

        async def on_REQ(self) -> None:
            await asyncio.sleep(0.02)
            self.CNF()

    async with Resource() as res:
        res.add("L", Later)
        done: list[str] = []
        res.add_tracer(lambda ev: done.append(ev.event))
        res.start()
        res.fire("L.REQ")
        await res.settle()
        assert done == ["CNF"]


async def test_settle_on_a_test_clock_does_not_wait_for_sleeping_handlers() -> None:
    clock = TestClock()
    res = feeding(Slow, clock)
    seen = outputs_of(res, "S")
    res.start()
    await feed(res, 1.0)
    await asyncio.wait_for(res.settle(), 1.0)
    assert seen == []
    await clock.advance(1.0)
    assert seen == [1.0]
