"""The dispatcher: FIFO order, fan-out, fan-in, WITH sampling and buffer semantics (FORTE ecet)."""

from __future__ import annotations

import pytest

from fbruntime.core import OutputEvent, Resource, TestClock

from .blocks import Counter, Faulty, Recorder, Source, Split


def trace(res: Resource) -> list[OutputEvent]:
    events: list[OutputEvent] = []
    res.add_tracer(events.append)
    return events


async def test_fan_out_follows_connection_creation_order() -> None:
    res = Resource()
    res.add("S", Split)
    for name in ("C", "A", "B"):
        res.add(name, Counter)
        res.connect("S.EO1", f"{name}.CU")
    events = trace(res)
    res.start()
    res.fire("S.EI")
    await res.settle()
    assert [e.path for e in events if e.event == "CO"] == ["C", "A", "B"]


async def test_dispatch_is_breadth_first() -> None:
    # S.EO1 -> A, S.EO2 -> B, A.CO -> C: FIFO order gives A, B, then C (not A, C, B).
    res = Resource()
    res.add("S", Split)
    for name in "ABC":
        res.add(name, Counter)
    res.connect("S.EO1", "A.CU")
    res.connect("S.EO2", "B.CU")
    res.connect("A.CO", "C.CU")
    events = trace(res)
    res.start()
    res.fire("S.EI")
    await res.settle()
    assert [e.path for e in events if e.event == "CO"] == ["A", "B", "C"]


async def test_fan_in_events_each_run_the_block() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("C", Counter, PV=10)
    res.connect("S.EO1", "C.CU")
    res.connect("S.EO2", "C.CU")
    res.start()
    res.fire("S.EI")
    await res.settle()
    assert res.read("C.CV") == 2


async def test_with_inputs_are_sampled_when_the_event_arrives() -> None:
    res = Resource()
    res.add("SRC", Source, STEP=5)
    res.add("R", Recorder)
    res.connect("SRC.OUT", "R.IN")
    res.connect("SRC.CNF", "R.REQ")
    res.start()
    res.fire("SRC.REQ")
    await res.settle()
    res.fire("SRC.REQ")
    await res.settle()
    assert res.find("R")[0].seen == [5, 10]  # type: ignore[attr-defined]


async def test_input_not_with_the_event_is_not_refreshed() -> None:
    res = Resource()
    res.add("SRC", Source, STEP=7)
    res.add("R", Recorder)
    res.connect("SRC.OUT", "R.IN")
    res.start()
    res.fire("SRC.REQ")
    await res.settle()
    res.fire("R.SET")  # SET is not WITH IN: IN keeps its initial 0
    await res.settle()
    res.fire("R.REQ")  # REQ is WITH IN: now it reads the buffer (7)
    await res.settle()
    assert res.find("R")[0].seen == [0, 7]  # type: ignore[attr-defined]


async def test_output_not_with_the_event_does_not_travel() -> None:
    res = Resource()
    res.add("SRC", Source, STEP=3)
    res.add("R", Recorder)
    res.connect("SRC.SILENT", "R.IN")  # SILENT is WITH no event of Source
    res.connect("SRC.CNF", "R.REQ")
    res.start()
    res.fire("SRC.REQ")
    await res.settle()
    assert res.read("SRC.SILENT") == 3
    assert res.find("R")[0].seen == [0]  # type: ignore[attr-defined]


async def test_buffer_gives_latest_value_to_a_late_destination() -> None:
    # SRC emits twice (CNF -> R.REQ queued twice); R runs after both: it sees 2 and 2.
    res = Resource()
    res.add("S", Split)
    res.add("SRC", Source)
    res.add("R", Recorder)
    res.connect("S.EO1", "SRC.REQ")
    res.connect("S.EO2", "SRC.REQ")
    res.connect("SRC.OUT", "R.IN")
    res.connect("SRC.CNF", "R.REQ")
    res.start()
    res.fire("S.EI")
    await res.settle()
    assert res.find("R")[0].seen == [2, 2]  # type: ignore[attr-defined]


async def test_the_source_writes_the_buffer_only_when_it_emits() -> None:
    res = Resource()
    res.add("SRC", Source, STEP=4)
    res.add("R", Recorder)
    res.connect("SRC.OUT", "R.IN")
    res.start()
    res.fire("SRC.REQ")
    await res.settle()
    res.write("SRC.OUT", 100)  # a changed output that is not sent
    res.fire("R.REQ")
    await res.settle()
    assert res.find("R")[0].seen == [4]  # type: ignore[attr-defined]


async def test_implicit_widening_conversion_on_a_connection() -> None:
    from .blocks import Scale

    res = Resource()
    res.add("SRC", Source, STEP=3)  # DINT -> REAL is refused, so go through INT? no: use Counter
    res.add("C", Counter, PV=1)  # CV is UINT
    res.add("SC", Scale, GAIN=0.5)
    res.connect("C.CV", "SC.IN")  # UINT -> REAL widens
    res.connect("C.CO", "SC.REQ")
    res.start()
    res.fire("C.CU")
    await res.settle()
    value = res.read("SC.OUT")
    assert isinstance(value, float) and value == 0.5


async def test_handler_fault_is_recorded_and_the_resource_runs_on() -> None:
    res = Resource()
    res.add("SRC", Source, STEP=0)
    res.add("F", Faulty)
    res.add("C", Counter, PV=100)
    res.add("S", Split)
    res.connect("SRC.OUT", "F.D")
    res.connect("SRC.CNF", "F.REQ")
    res.connect("S.EO1", "SRC.REQ")
    res.connect("S.EO2", "C.CU")
    faults: list[str] = []
    res.on_fault(lambda inst, fault: faults.append(f"{inst.rt__path()}:{fault.message}"))
    res.start()
    res.fire("S.EI")
    res.fire("S.EI")
    await res.settle()
    f = res.find("F")[0]
    assert f.rt__fault is not None
    assert f.rt__fault.kind == "ZeroDivisionError"
    assert f.rt__fault.event == "REQ"
    assert f.rt__fault_count == 2
    assert faults == ["F:D must not be 0", "F:D must not be 0"]
    assert res.read("C.CV") == 2  # the other branch kept running


async def test_index_error_in_a_handler_is_a_fault_not_an_empty_queue() -> None:
    res = Resource()
    res.add("F", Faulty, D=-1)
    res.add("C", Counter)
    res.start()
    res.fire("F.REQ")
    res.fire("C.CU")
    await res.settle()
    assert res.find("F")[0].rt__fault is not None
    assert res.read("C.CV") == 1


async def test_trace_carries_with_values() -> None:
    res = Resource()
    res.add("C", Counter, PV=1)
    events = trace(res)
    res.start()
    res.fire("C.CU")
    await res.settle()
    assert [(e.path, e.event, e.values) for e in events] == [("C", "CO", {"CV": 1, "Q": True})]


async def test_subscribe_yields_an_instances_output_events() -> None:
    res = Resource()
    res.add("C", Counter, PV=2)
    res.start()
    stream = res.subscribe("C")
    first = stream.__anext__()
    import asyncio

    task = asyncio.ensure_future(first)
    await asyncio.sleep(0)
    res.fire("C.CU")
    await res.settle()
    event = await task
    assert (event.event, event.values["CV"]) == ("CO", 1)
    await stream.aclose()


async def test_events_fired_before_start_wait_for_it() -> None:
    res = Resource()
    res.add("C", Counter)
    res.fire("C.CU")
    assert res.read("C.CV") == 0
    res.start()
    await res.settle()
    assert res.read("C.CV") == 1


async def test_test_clock_drives_async_handlers_without_waiting() -> None:
    from .blocks import Waiter

    clock = TestClock()
    res = Resource(clock=clock)
    res.add("W", Waiter, DT=2.0)
    res.add("C", Counter, PV=9)
    res.connect("W.CNF", "C.CU")
    res.start()
    res.fire("W.REQ")
    await res.settle()
    await clock.advance(1.0)
    assert res.read("C.CV") == 0
    await clock.advance(1.0)
    assert res.read("C.CV") == 1


async def test_async_handler_runs_one_at_a_time_in_order() -> None:
    from .blocks import Waiter

    clock = TestClock()
    res = Resource(clock=clock)
    res.add("SRC", Source)
    res.add("W", Waiter, DT=1.0)
    res.add("R", Recorder)
    res.connect("SRC.OUT", "W.ID")
    res.connect("SRC.CNF", "W.REQ")
    res.connect("W.OUT", "R.IN")
    res.connect("W.CNF", "R.REQ")
    res.start()
    for _ in range(3):  # settle between fires: W samples 1, 2, 3 (buffer semantics)
        res.fire("SRC.REQ")
        await res.settle()
    w = res.find("W")[0]
    assert w.started == [1]  # type: ignore[attr-defined]
    await clock.advance(1.0)
    assert w.started == [1, 2]  # type: ignore[attr-defined]
    await clock.advance(2.0)
    assert res.find("R")[0].seen == [1, 2, 3]  # type: ignore[attr-defined]


async def test_async_handler_fault_is_recorded() -> None:
    from fbruntime.core import Block, EventInput

    class Boom(Block):
        REQ = EventInput()

        async def on_REQ(self) -> None:
            await self.sleep(0)
            raise RuntimeError("remote said no")

    clock = TestClock()
    res = Resource(clock=clock)
    res.add("B", Boom)
    res.start()
    res.fire("B.REQ")
    await clock.advance(0.1)
    fault = res.find("B")[0].rt__fault
    assert fault is not None and fault.message == "remote said no"


@pytest.mark.parametrize("budget", [1, 2, 7])
async def test_small_slices_keep_fifo_order(budget: int) -> None:
    res = Resource()
    res.slice_events = budget
    res.add("S", Split)
    for name in "ABC":
        res.add(name, Counter)
    res.connect("S.EO1", "A.CU")
    res.connect("S.EO2", "B.CU")
    res.connect("A.CO", "C.CU")
    events = trace(res)
    res.start()
    res.fire("S.EI")
    res.fire("S.EI")
    await res.settle()
    assert [e.path for e in events if e.event == "CO"] == ["A", "B", "A", "B", "C", "C"]


async def test_max_concurrency_lets_async_runs_overlap() -> None:
    from .blocks import Waiter

    class Parallel(Waiter):
        max_concurrency = 3

    clock = TestClock()
    res = Resource(clock=clock)
    res.add("SRC", Source)
    res.add("W", Parallel, DT=1.0)
    res.add("C", Counter, PV=99)
    res.connect("SRC.OUT", "W.ID")
    res.connect("SRC.CNF", "W.REQ")
    res.connect("W.CNF", "C.CU")
    res.start()
    for _ in range(4):
        res.fire("SRC.REQ")
        await res.settle()
    assert res.find("W")[0].started == [1, 2, 3]  # type: ignore[attr-defined]
    await clock.advance(1.0)
    assert res.read("C.CV") == 3  # three finished together, the fourth started
    await clock.advance(1.0)
    assert res.read("C.CV") == 4


async def test_async_emission_joins_the_fifo_when_it_happens() -> None:
    from fbruntime.core import Block, EventInput, EventOutput

    class TwoStep(Block):
        REQ = EventInput()
        FIRST = EventOutput()
        SECOND = EventOutput()

        async def on_REQ(self) -> None:
            self.FIRST()
            await self.sleep(5)
            self.SECOND()

    clock = TestClock()
    res = Resource(clock=clock)
    res.add("T", TwoStep)
    res.add("A", Counter, PV=9)
    res.add("B", Counter, PV=9)
    res.connect("T.FIRST", "A.CU")
    res.connect("T.SECOND", "B.CU")
    res.start()
    res.fire("T.REQ")
    await clock.advance(1.0)
    assert (res.read("A.CV"), res.read("B.CV")) == (1, 0)
    await clock.advance(4.0)
    assert (res.read("A.CV"), res.read("B.CV")) == (1, 1)


async def test_a_block_faulting_on_every_event_does_not_starve_the_loop() -> None:
    import asyncio

    from fbruntime.core import Block, EventInput, EventOutput

    class Loop(Block):
        """Re-triggers itself forever and faults every time (after emitting)."""

        REQ = EventInput()
        CNF = EventOutput()

        def on_REQ(self) -> None:
            self.CNF()
            raise ValueError("again")

    res = Resource()
    res.slice_events = 50
    res.add("L", Loop)
    res.connect("L.CNF", "L.REQ")
    res.start()
    res.fire("L.REQ")
    ticks = 0
    for _ in range(5):
        await asyncio.sleep(0)
        ticks += 1
    assert ticks == 5  # this coroutine got its turns while L kept faulting
    assert res.find("L")[0].rt__fault_count > 1
    res.kill()


async def test_slices_shrink_when_they_take_too_long(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices are sized by time: a slice that overran makes the next one proportionally smaller,
    so asyncio (the API, timers) gets its turn about every ``slice_seconds`` whatever blocks cost."""
    import asyncio
    import itertools

    from fbruntime.core import Block, EventInput, EventOutput
    from fbruntime.core import resource as resource_module

    class Loop(Block):
        REQ = EventInput()
        CNF = EventOutput()

        def setup(self) -> None:
            self.runs = 0

        def on_REQ(self) -> None:
            self.runs += 1
            self.CNF()

    ticks = itertools.count()
    # Every reading of the slice clock is 50 ms after the previous one: each slice "took" 50 ms.
    monkeypatch.setattr(resource_module.time, "perf_counter", lambda: next(ticks) * 0.05)
    res = Resource()
    res.slice_events = 1000
    res.slice_seconds = 0.005
    loop = res.add("L", Loop)
    res.connect("L.CNF", "L.REQ")
    res.start()
    res.fire("L.REQ")
    seen = [loop.runs]  # type: ignore[attr-defined]
    for _ in range(6):
        await asyncio.sleep(0)
        seen.append(loop.runs)  # type: ignore[attr-defined]
    res.kill()
    steps = [b - a for a, b in itertools.pairwise(seen) if b > a]
    assert steps[0] == 1000  # the first slice runs the full budget
    assert steps[1] == 100  # then 1000 events * 5 ms / 50 ms
