"""Streams: emitted events and changed watched values, sampled on the app's clock."""

from __future__ import annotations

import asyncio
from typing import Any

from fbruntime.core import TestClock
from fbruntime.orchestrator import Orchestrator


async def test_the_stream_sends_events_then_changed_values(
    orch: Orchestrator, clock: TestClock
) -> None:
    await orch.create("c", "Counter", start=True)
    got: list[dict[str, Any]] = []

    async def collect() -> None:
        async for item in orch.stream("c", ["CV"], max_items=4):
            got.append(item)

    task = asyncio.create_task(collect())
    await clock.advance(0)  # the stream is waiting for its first sample
    orch.fire("c", "CU")
    orch.fire("c", "CU")
    await clock.advance(0.1)
    await clock.advance(0.1)  # nothing changed: nothing sent
    orch.fire("c", "CU")
    await clock.advance(0.1)
    await task
    assert got == [
        {"type": "event", "block": "", "event": "CO", "values": {"CV": 1}, "time_ns": 0},
        {"type": "event", "block": "", "event": "CO", "values": {"CV": 2}, "time_ns": 0},
        {"type": "values", "values": {"CV": 2}},
        {"type": "event", "block": "", "event": "CO", "values": {"CV": 3}, "time_ns": 200_000_000},
    ]
    app = orch.app("c")
    assert app.device is not None
    assert not app.device.resource("RES").tracing  # the tracer left with the stream


async def test_watch_reads_several_pins(orch: Orchestrator) -> None:
    await orch.create("c", "Counter", parameters={"STEP": 4})
    assert orch.watch("c", ["STEP", "CV"]) == {"STEP": 4, "CV": 0}


async def test_deleting_an_app_ends_its_streams(orch: Orchestrator, clock: TestClock) -> None:
    await orch.create("c", "Counter", start=True)
    got: list[dict[str, Any]] = []

    async def collect() -> None:
        async for item in orch.stream("c", ["CV"]):
            got.append(item)

    task = asyncio.create_task(collect())
    await clock.advance(0.1)
    await orch.delete("c")
    await clock.advance(0.1)
    await task
    assert got == [{"type": "values", "values": {"CV": 0}}]
