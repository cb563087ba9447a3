"""Helpers for the communication block tests: typed source and sink blocks, event waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from fbruntime.blockfiles import load_library
from fbruntime.core import (
    Block,
    DataInput,
    DataOutput,
    EventInput,
    EventOutput,
    FBType,
    OutputEvent,
    Resource,
)

LIB: dict[str, FBType] = load_library()

#: Upper bound for a wait on real sockets; the tests never rely on it passing by.
PATIENCE = 10.0


class Trace:
    """Every event the traced resources send, and a way to wait for one."""

    def __init__(self, *resources: Resource) -> None:
        self.events: list[OutputEvent] = []
        self._changed = asyncio.Event()
        for res in resources:
            res.add_tracer(self._record)

    def _record(self, event: OutputEvent) -> None:
        self.events.append(event)
        self._changed.set()

    def of(self, path: str) -> list[OutputEvent]:
        block, _, event = path.rpartition(".")
        return [e for e in self.events if e.path == block and e.event == event]

    async def until(self, condition: Callable[[], bool]) -> None:
        async def wait() -> None:
            while not condition():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(wait(), PATIENCE)

    async def next(self, path: str, count: int = 1) -> OutputEvent:
        """Wait until ``path`` (``BLOCK.EVENT``) has been sent ``count`` times; the last one."""
        await self.until(lambda: len(self.of(path)) >= count)
        return self.of(path)[count - 1]


def source(types: Sequence[str], values: Sequence[Any]) -> type[Block]:
    """A block whose REQ sends ``values`` on outputs OUT_1.. declared as ``types``."""
    pins = tuple(f"OUT_{i}" for i in range(1, len(types) + 1))
    namespace: dict[str, Any] = {
        "name": "TestSource_" + "_".join(types),
        "REQ": EventInput(),
        "CNF": EventOutput(with_=pins),
    }
    for pin, typ in zip(pins, types, strict=True):
        namespace[pin] = DataOutput(typ)

    def on_REQ(self: Any) -> None:
        for pin, value in zip(pins, values, strict=True):
            setattr(self, pin, value)
        self.CNF()

    namespace["on_REQ"] = on_REQ
    return type("TestSource", (Block,), namespace)


def sink(types: Sequence[str]) -> type[Block]:
    """A block whose REQ (WITH IN_1..) passes its typed inputs on as CNF's values."""
    ins = tuple(f"IN_{i}" for i in range(1, len(types) + 1))
    outs = tuple(f"OUT_{i}" for i in range(1, len(types) + 1))
    namespace: dict[str, Any] = {
        "name": "TestSink_" + "_".join(types),
        "REQ": EventInput(with_=ins),
        "CNF": EventOutput(with_=outs),
    }
    for pin, out, typ in zip(ins, outs, types, strict=True):
        namespace[pin] = DataInput(typ)
        namespace[out] = DataOutput(typ)

    def on_REQ(self: Any) -> None:
        for pin, out in zip(ins, outs, strict=True):
            setattr(self, out, getattr(self, pin))
        self.CNF()

    namespace["on_REQ"] = on_REQ
    return type("TestSink", (Block,), namespace)


def bound_port(res: Resource, block: str) -> int:
    address = getattr(res.network.instances[block], "comm_address", None)
    assert address is not None, f"{block} is not bound"
    return int(address[1])
