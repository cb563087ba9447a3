"""One running application: its device, its lifecycle state, its pins, and what watches it.

Each application owns a :class:`~fbruntime.core.Device` of its own (so one application's event
storm or fault never reaches another) and is an async context manager: leaving it, normally or by
an exception or a cancellation, kills every resource and ends every stream, so nothing it started
keeps running.

Paths: an application made from one type holds that type as its only block, and paths are
relative to it (``CV``, ``Filter.GAIN``); an application made from a system names each pin by its
one name in the device (``App.Sub.FB.PIN``; ``RES.FB.PIN`` only where two resources hold a block
of that name; see :mod:`fbruntime.core.device`), in what it takes and in what it prints.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from types import TracebackType
from typing import Any

from fbruntime.core import (
    Clock,
    Device,
    FBInstance,
    NoSuchObject,
    OutputEvent,
    Resource,
    ResourceState,
)
from fbruntime.orchestrator.errors import AppFailed, PinNotFound, WrongState
from fbruntime.orchestrator.values import PinValue, pin_value, typed_value

__all__ = ["STATES", "Application"]

STATES = ("created", "running", "stopped", "killed", "failed")

_EVENT_BACKLOG = 1000


class Application:
    """An application and its device; see the module docstring."""

    def __init__(
        self,
        name: str,
        kind: str,
        device: Device | None,
        *,
        root: str | None = None,
        type_name: str | None = None,
        type_version: str | None = None,
        definition: Any = None,
        clock: Clock,
        error: str | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.device = device
        self.root = root
        self.type_name = type_name
        self.type_version = type_version
        self.definition = definition
        self.clock = clock
        self.state = "created" if device is not None else "failed"
        self.error = error
        self.values: dict[str, Any] = {}
        self.lock = asyncio.Lock()
        self._streams: set[asyncio.Event] = set()
        self._closed = False

    # -- the context manager ------------------------------------------------------------------

    async def __aenter__(self) -> Application:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Kill every resource and end every stream; safe to call twice."""
        self._closed = True
        for stop in list(self._streams):
            stop.set()
        if self.device is not None:
            for res in self.device.resources.values():
                if res.state is ResourceState.RUNNING:
                    res.kill()
        await asyncio.sleep(0)

    # -- lifecycle ------------------------------------------------------------------------------

    def _usable(self) -> Device:
        if self.device is None:
            raise WrongState(f"application {self.name!r} failed to load: {self.error}")
        return self.device

    def start(self) -> None:
        device = self._usable()
        if self.state == "running":
            raise WrongState(f"application {self.name!r} is already running")
        try:
            device.start()
        except Exception as exc:
            device.kill()
            self.state, self.error = "failed", f"start failed: {type(exc).__name__}: {exc}"
            raise AppFailed(f"application {self.name!r}: {self.error}") from exc
        self.state, self.error = "running", None

    async def stop(self) -> None:
        device = self._usable()
        if self.state != "running":
            raise WrongState(f"application {self.name!r} is not running ({self.state})")
        await device.stop()
        self.state = "stopped"

    def kill(self) -> None:
        device = self._usable()
        if self.state != "running":
            raise WrongState(f"application {self.name!r} is not running ({self.state})")
        device.kill()
        self.state = "killed"

    def reset(self) -> None:
        """Back to initial values plus the written ones; the next start is cold."""
        device = self._usable()
        if self.state == "running":
            raise WrongState(f"application {self.name!r} is running; stop it before a reset")
        device.reset()
        self.state, self.error = "created", None

    # -- pins -------------------------------------------------------------------------------------

    def resolve(self, path: str) -> tuple[Resource, FBInstance, str | None]:
        device = self._usable()
        try:
            if self.root is not None:
                res = next(iter(device.resources.values()))
                inst, pin = res.find(f"{self.root}.{path}" if path else self.root)
                return res, inst, pin
            return device.find(path)
        except NoSuchObject as exc:
            raise PinNotFound(f"application {self.name!r}: {exc}") from None

    def _data_pin(self, path: str) -> tuple[FBInstance, str, Any, str]:
        """The instance, pin, port and the pin's one name (what is printed and stored)."""
        res, inst, pin = self.resolve(path)
        port = inst.rt__type.interface.data_port(pin) if pin else None
        if pin is None or port is None:
            raise PinNotFound(f"application {self.name!r}: {path!r} is not a data pin")
        name = self._relative(res, inst.rt__path())
        return inst, pin, port, f"{name}.{pin}" if name else pin

    def read(self, path: str) -> PinValue:
        inst, pin, port, name = self._data_pin(path)
        return pin_value(name, port.type, getattr(inst, pin))

    def check_value(self, path: str, value: Any) -> Any:
        """The typed value, or BadValue/PinNotFound; changes nothing."""
        _, _, port, name = self._data_pin(path)
        return typed_value(name, port.type, value)

    def write(self, path: str, value: Any) -> PinValue:
        """Set a data pin as a parameter (kept across resets; this object only: the
        Orchestrator's ``write`` also stores it for restarts)."""
        inst, pin, port, name = self._data_pin(path)
        typed = typed_value(name, port.type, value)
        inst.rt__set_param(pin, typed)
        self.values.pop(path, None)  # a value stored under another accepted form of the name
        self.values[name] = value
        return pin_value(name, port.type, getattr(inst, pin))

    def fire(self, path: str) -> None:
        res, inst, pin = self.resolve(path)
        if pin is None or inst.rt__type.interface.event_input(pin) is None:
            raise PinNotFound(f"application {self.name!r}: {path!r} is not an event input")
        if self.state != "running":
            raise WrongState(f"application {self.name!r} is not running ({self.state})")
        # Look the entry up when the event runs: a relink in between (a new watch, a force)
        # replaces the instance's entries.
        res.post(res.external_entry(inst, pin))

    def blocks(self) -> list[dict[str, Any]]:
        """Every block: path, type, state and last fault."""
        if self.device is None:
            return []
        out: list[dict[str, Any]] = []
        for res in self.device.resources.values():
            for inst in res.network.walk():
                path = self._relative(res, inst.rt__path())
                fault = inst.rt__fault
                out.append(
                    {
                        "path": path,
                        "type": inst.rt__type.name,
                        "kind": inst.rt__type.kind,
                        "state": inst.rt__state.value,
                        "fault": None if fault is None else fault.as_dict(),
                    }
                )
        return out

    def pin_name(self, res: Resource, path: str) -> str:
        """The one name a block or pin path inside ``res`` has in this application."""
        return self._relative(res, path)

    def _relative(self, res: Resource, path: str) -> str:
        """The name a path inside ``res`` has in this application (what it prints)."""
        if self.root is None:
            assert self.device is not None
            return self.device.name_of(res, path)
        if path == self.root:
            return ""
        return path.removeprefix(f"{self.root}.")

    # -- watching ---------------------------------------------------------------------------------

    async def stream(
        self,
        paths: Sequence[str] = (),
        *,
        interval: float = 0.1,
        events: bool = True,
        max_items: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Emitted events and sampled values, every ``interval`` seconds of the app's clock.

        The event path only appends to a bounded deque (the oldest are dropped and counted when
        a client is slow); values are read here, off the hot path, once per interval.
        """
        device = self._usable()
        paths = list(dict.fromkeys(self._data_pin(p)[3] for p in paths))  # by their one names
        backlog: deque[tuple[Resource, OutputEvent]] = deque(maxlen=_EVENT_BACKLOG)
        dropped = [0]
        tracers = []
        if events:
            for res in device.resources.values():

                def tracer(ev: OutputEvent, res: Resource = res) -> None:
                    if len(backlog) == _EVENT_BACKLOG:
                        dropped[0] += 1
                    backlog.append((res, ev))

                res.add_tracer(tracer)
                tracers.append((res, tracer))
        stop = asyncio.Event()
        self._streams.add(stop)
        sent = 0
        last: dict[str, Any] = {}
        try:
            while not stop.is_set() and (max_items is None or sent < max_items):
                await self.clock.sleep(round(interval * 1_000_000_000))
                items: list[dict[str, Any]] = []
                while backlog:
                    res, ev = backlog.popleft()
                    items.append(
                        {
                            "type": "event",
                            "block": self._relative(res, ev.path),
                            "event": ev.event,
                            "values": {k: _plain(res, ev, k, v) for k, v in ev.values.items()},
                            "time_ns": ev.time_ns,
                        }
                    )
                if dropped[0]:
                    items.append({"type": "dropped", "count": dropped[0]})
                    dropped[0] = 0
                if paths:
                    sample = {p: self.read(p).value for p in paths}
                    if sample != last:
                        items.append({"type": "values", "values": sample})
                        last = sample
                for item in items:
                    if max_items is not None and sent >= max_items:
                        break
                    yield item
                    sent += 1
        finally:
            self._streams.discard(stop)
            for res, tracer in tracers:
                res.remove_tracer(tracer)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "type_name": self.type_name,
            "type_version": self.type_version,
            "state": self.state,
            "error": self.error,
            "values": dict(self.values),
        }


def _plain(res: Resource, ev: OutputEvent, pin: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str | float):
        return value
    inst, _ = res.find(ev.path)
    port = inst.rt__type.interface.data_port(pin)
    return repr(value) if port is None else pin_value(pin, port.type, value).value
