"""A timer expiry that is already queued when STOP (or a restart) is processed sends nothing.

With a real clock the expiry and the STOP can reach the FIFO in either order within one slice;
the test clock settles after every timer, so these tests put STOP first by hand and then let the
expiry land, as the timer would.
"""

from __future__ import annotations

from typing import Any

from fbruntime.blockfiles import load_library
from fbruntime.core import OutputEvent, Resource, TestClock

LIB = load_library()


def build(type_name: str) -> tuple[Resource, Any, list[OutputEvent]]:
    res = Resource(clock=TestClock())
    blk = res.add("T", LIB[type_name], DT="T#1s")
    events: list[OutputEvent] = []
    res.add_tracer(events.append)
    res.start()
    return res, blk, events


async def test_e_delay_expiry_queued_behind_stop_sends_nothing() -> None:
    res, blk, events = build("E_DELAY")
    res.fire("T.START")
    await res.settle()
    res.fire("T.STOP")
    blk._expired(blk._gen)  # the timer fires while STOP waits in the queue
    await res.settle()
    assert [e.event for e in events if e.path == "T"] == []
    res.fire("T.START")  # and the delay is free for a new START
    await res.clock.advance(1.0)  # type: ignore[attr-defined]
    assert [e.event for e in events if e.path == "T"] == ["EO"]


async def test_e_rdelay_expiry_queued_behind_a_restart_sends_nothing() -> None:
    res, blk, events = build("E_RDELAY")
    res.fire("T.START")
    await res.settle()
    old = blk._gen
    res.fire("T.START")  # restart
    blk._expired(old)  # the first delay's expiry lands after the restart was queued
    await res.settle()
    assert [e.event for e in events if e.path == "T"] == []
    await res.clock.advance(1.0)  # type: ignore[attr-defined]
    assert [e.event for e in events if e.path == "T"] == ["EO"]


async def test_e_cycle_sends_no_tick_after_stop() -> None:
    res, blk, events = build("E_CYCLE")
    res.fire("T.START")
    await res.settle()
    await res.clock.advance(2.0)  # type: ignore[attr-defined]
    assert [e.event for e in events if e.path == "T"] == ["EO", "EO"]
    gen = blk._gen
    res.fire("T.STOP")
    blk._expired(gen)  # a tick lands while STOP waits in the queue
    await res.settle()
    await res.clock.advance(3.0)  # type: ignore[attr-defined]
    assert [e.event for e in events if e.path == "T"] == ["EO", "EO"]
