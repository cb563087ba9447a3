"""Resource and block lifecycle as FORTE: start, stop, kill, reset; COLD/WARM; single-block stop."""

from __future__ import annotations

import pytest

from fbruntime.core import (
    Block,
    Device,
    EventOutput,
    FBState,
    LifecycleError,
    Resource,
    ResourceState,
    TestClock,
)

from .blocks import Counter, Split


class Restart(Block):
    """A minimal E_RESTART: COLD on the first start or after reset, WARM after a stop."""

    COLD = EventOutput()
    WARM = EventOutput()
    STOP = EventOutput()

    def setup(self) -> None:
        self.log: list[str] = []

    def on_start(self, warm: bool) -> None:
        self.log.append("warm" if warm else "cold")
        self.post(lambda: self.WARM() if warm else self.COLD())

    def on_stop(self) -> None:
        self.post(lambda: self.STOP())


def build() -> Resource:
    res = Resource()
    res.add("START", Restart)
    res.add("COLDS", Counter, PV=100)
    res.add("WARMS", Counter, PV=100)
    res.add("STOPS", Counter, PV=100)
    res.connect("START.COLD", "COLDS.CU")
    res.connect("START.WARM", "WARMS.CU")
    res.connect("START.STOP", "STOPS.CU")
    return res


async def test_cold_then_warm_then_cold_after_reset() -> None:
    res = build()
    res.start()
    await res.settle()
    assert (res.read("COLDS.CV"), res.read("WARMS.CV")) == (1, 0)
    await res.stop()
    assert res.state is ResourceState.STOPPED
    assert res.read("STOPS.CV") == 1  # STOP was delivered before the resource stopped
    res.start()
    await res.settle()
    assert (res.read("COLDS.CV"), res.read("WARMS.CV")) == (1, 1)
    await res.stop()
    res.reset()
    assert res.read("COLDS.CV") == 0  # back to initial values
    assert res.state is ResourceState.IDLE
    res.start()
    await res.settle()
    assert (res.read("COLDS.CV"), res.read("WARMS.CV")) == (1, 0)


async def test_events_are_ignored_while_stopped() -> None:
    res = build()
    res.start()
    await res.settle()
    await res.stop()
    res.fire("COLDS.CU")
    assert res.read("COLDS.CV") == 1
    assert all(i.rt__state is FBState.STOPPED for i in res.network.walk())


async def test_kill_drops_the_queue_and_reset_needs_a_stopped_resource() -> None:
    res = build()
    res.start()
    with pytest.raises(LifecycleError, match="stop it before a reset"):
        res.reset()
    with pytest.raises(LifecycleError, match="already running"):
        res.start()
    res.kill()
    assert res.state is ResourceState.KILLED
    assert not res.queue
    res.reset()
    assert res.state is ResourceState.IDLE


async def test_reset_restores_written_parameters() -> None:
    res = build()
    res.write("COLDS.PV", 7)
    res.start()
    await res.settle()
    await res.stop()
    res.reset()
    assert res.read("COLDS.PV") == 7


async def test_a_single_block_can_be_stopped() -> None:
    res = Resource()
    res.add("S", Split)
    res.add("A", Counter)
    res.add("B", Counter)
    res.connect("S.EO1", "A.CU")
    res.connect("S.EO2", "B.CU")
    res.start()
    res.set_block_state("A", FBState.STOPPED)
    res.fire("S.EI")
    await res.settle()
    assert (res.read("A.CV"), res.read("B.CV")) == (0, 1)
    res.set_block_state("A", FBState.RUNNING)
    res.fire("S.EI")
    await res.settle()
    assert (res.read("A.CV"), res.read("B.CV")) == (1, 2)


async def test_blocks_added_to_a_running_resource_run() -> None:
    res = Resource()
    res.add("S", Split)
    res.start()
    res.add("A", Counter)
    res.connect("S.EO1", "A.CU")
    res.fire("S.EI")
    await res.settle()
    assert res.read("A.CV") == 1


async def test_device_starts_and_stops_every_resource() -> None:
    dev = Device("D", clock=TestClock())
    for name in ("R1", "R2"):
        res = dev.add_resource(name)
        res.add("START", Restart)
        res.add("C", Counter)
        res.connect("START.COLD", "C.CU")
    dev.start()
    await dev.settle()
    assert [dev.find(f"{r}.C.CV")[1].CV for r in ("R1", "R2")] == [1, 1]  # type: ignore[attr-defined]
    await dev.stop()
    assert all(r.state is ResourceState.STOPPED for r in dev.resources.values())
    dev.reset()
    assert all(r.state is ResourceState.IDLE for r in dev.resources.values())


async def test_watched_event_inputs_are_counted() -> None:
    clock = TestClock()
    res = Resource(clock=clock)
    res.add("S", Split)
    res.add("A", Counter)
    res.connect("S.EO1", "A.CU")
    res.connect("S.EO2", "A.CU")
    counter = res.watch_events(res.find("A")[0], "CU")
    res.start()
    res.fire("S.EI")
    await res.settle()
    assert counter[0] == 2


async def test_forced_input_keeps_its_value() -> None:
    res = Resource()
    res.add("C", Counter)
    res.add("D", Counter, PV=50)
    res.connect("C.CV", "D.PV")
    res.connect("C.CO", "D.CU")
    res.force("D.PV", 1)
    res.start()
    res.fire("C.CU")
    res.fire("C.CU")
    await res.settle()
    assert res.read("D.PV") == 1 and res.read("D.Q") is True
    res.unforce("D.PV")
    res.fire("C.CU")
    await res.settle()
    assert res.read("D.PV") == 3
