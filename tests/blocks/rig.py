"""The test rig of the block library tests: a real resource on a test clock, its events logged."""

from __future__ import annotations

from typing import Any

from fbruntime.blockfiles import load_library
from fbruntime.core import FBInstance, FBType, OutputEvent, Resource, TestClock

LIB: dict[str, FBType] = load_library()


class Rig:
    """One resource, its clock and the log of output events (``"BLOCK.EVENT"`` plus values)."""

    def __init__(self) -> None:
        self.clock = TestClock()
        self.res = Resource("RES", clock=self.clock)
        self.events: list[OutputEvent] = []
        self.res.add_tracer(self.events.append)

    def add(self, name: str, type_name: str, **params: Any) -> FBInstance:
        return self.res.add(name, LIB[type_name], **params)

    def start(self) -> None:
        self.res.start()

    async def fire(self, *paths: str) -> None:
        """Trigger event inputs from outside, one after the other, and let the resource settle."""
        for path in paths:
            self.res.fire(path)
        await self.res.settle()

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)

    def sent(self) -> list[str]:
        return [f"{e.path}.{e.event}" for e in self.events]

    def take(self) -> list[str]:
        """The events sent since the last take."""
        sent = self.sent()
        self.events.clear()
        return sent

    def values(self) -> list[dict[str, Any]]:
        return [e.values for e in self.events]

    def read(self, path: str) -> Any:
        return self.res.read(path)

    def write(self, path: str, value: Any) -> None:
        self.res.write(path, value)
