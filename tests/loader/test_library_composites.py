"""The composites shipped in composites/: E_EVERY_N (JSON) and E_BLINK (Python)."""

from __future__ import annotations

from fbruntime.core import OutputEvent, Resource, TestClock
from fbruntime.loader import Loader


async def test_every_n_passes_each_nth_event() -> None:
    res = Resource()
    res.add("Every", Loader().get("E_EVERY_N"), N=3)
    seen: list[OutputEvent] = []
    res.add_tracer(lambda e: seen.append(e) if e.path == "Every" else None)
    res.start()
    for _ in range(7):
        res.fire("Every.EI")
        await res.settle()
    assert [(e.event, e.values["CV"]) for e in seen] == [("EO", 3), ("EO", 3)]
    res.fire("Every.R")
    res.fire("Every.EI")
    await res.settle()
    assert res.read("Every.Count.CV") == 1


async def test_blink_toggles_every_period_until_stopped() -> None:
    clock = TestClock()
    res = Resource(clock=clock)
    res.add("Blink", Loader().get("E_BLINK"), DT="T#100ms")
    states: list[bool] = []
    res.add_tracer(lambda e: states.append(e.values["Q"]) if e.path == "Blink" else None)
    res.start()
    res.fire("Blink.START")
    await clock.advance(0.35)
    assert states == [True, False, True]
    res.fire("Blink.STOP")
    await clock.advance(1.0)
    assert states == [True, False, True]
