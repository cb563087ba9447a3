"""A function block instance: its pin values, its lifecycle state and its fault record.

Pin values live as plain attributes named after the pins (``fb.CV``), and each event output is an
attribute holding its *emitter* (``fb.CO()``), so handlers and generated Structured Text touch
nothing slower than an instance attribute. The runtime's own attributes all contain a double
underscore (``rt__state``): IEC identifiers cannot, so no pin can collide with them.

Emitters are no-ops until the resource links the instance; linking (``fbruntime.core.linker``)
replaces them with prebuilt functions that copy WITH data into connection buffers and append the
destinations to the resource's FIFO.
"""

from __future__ import annotations

import enum
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import length_hint
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from fbruntime.core.errors import NetworkError

if TYPE_CHECKING:
    from fbruntime.core.clock import Clock
    from fbruntime.core.fbtype import FBType
    from fbruntime.core.resource import Resource

__all__ = [
    "EMPTY",
    "BlockFault",
    "FBInstance",
    "FBState",
    "counter_value",
    "event_slot",
    "noop",
    "own_dict",
    "unsent_counter",
]

EMPTY: Mapping[str, Any] = MappingProxyType({})


def own_dict(inst: Any, attr: str) -> dict[Any, Any]:
    """The instance's own dict for ``attr``, created on first write (see FBInstance)."""
    current = getattr(inst, attr)
    if current is EMPTY:
        current = {}
        setattr(inst, attr, current)
    return current  # type: ignore[no-any-return]


def event_slot(itf: Any, event: str) -> int:
    """An event pin's place among the instance's totals; NetworkError if it is no event pin."""
    for i, port in enumerate(itf.event_inputs):
        if port.name == event:
            return i
    for i, port in enumerate(itf.event_outputs):
        if port.name == event:
            return len(itf.event_inputs) + i
    raise NetworkError(f"{event!r} is not an event pin")


_UNSENT = 1 << 62


def unsent_counter() -> Callable[[], None]:
    """The emitter of an output with no connection: it only counts, in C, allocating nothing.

    ``repeat(None, n).__next__`` counts down (an ``itertools.count`` would allocate an int per
    call); `counter_value` reads how far it went.
    """
    return repeat(None, _UNSENT).__next__


def counter_value(emitter: Any) -> int:
    """How often an `unsent_counter` emitter ran (0 for any other callable)."""
    owner = getattr(emitter, "__self__", None)
    if isinstance(owner, repeat):
        return _UNSENT - length_hint(owner)
    return 0


def noop() -> None:
    """The emitter of an unlinked output and the entry of a stopped block."""


class FBState(enum.Enum):
    IDLE = "idle"
    RUNNING = "running"
    STOPPED = "stopped"
    KILLED = "killed"


@dataclass(slots=True)
class BlockFault:
    """The last fault of an instance, as shown to whoever watches."""

    event: str
    message: str
    kind: str
    count: int
    detail: str = ""
    at: float = 0.0  # wall-clock time (time.time()) of the fault, for people reading it

    def as_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "message": self.message,
            "kind": self.kind,
            "count": self.count,
        }


class FBInstance:
    """Base of every instance. Subclasses say how an event input runs (``rt__handler``)."""

    rt__type: FBType
    rt__name: str
    rt__parent: Any
    rt__resource: Resource | None

    # Rarely written mappings start as the one shared EMPTY and become the instance's own dict
    # on first write (own_dict): a resource of 100,000 blocks must not carry 500,000 empty dicts.
    rt__fault: BlockFault | None
    rt__fault_count: int
    rt__params: Mapping[str, Any]  # written parameters, reapplied after a reset
    rt__buffers: Mapping[str, Any]  # data-connection buffers of connected outputs
    rt__event_counts: Mapping[str, list[int]]  # watched event inputs: [count, last ns]
    rt__forced: Mapping[str, Any]  # forced pins and their values
    # ANY pins' current IEC type: a typed literal's written to an input, or the type a block
    # with variant pins (F_ADD) last gave an output
    rt__param_types: Mapping[str, Any]
    # Events through each event pin since creation (inputs in interface order, then outputs),
    # as FORTE's monitoring counts them always. They live in the resource's ``totals`` list from
    # this index on (one flat list: no list per instance); -1 until a resource counts them.
    rt__totals_at: int

    def __init__(self, fbtype: FBType, name: str) -> None:
        self.rt__type = fbtype
        self.rt__name = name
        self.rt__parent = None
        self.rt__resource = None
        self.rt__state = FBState.IDLE
        # Every instance gets the same attributes in the same order, so CPython shares one
        # key table across them and keeps pin access specialised; the empty mappings are shared.
        self.rt__fault = None
        self.rt__fault_count = 0
        self.rt__params = EMPTY
        self.rt__buffers = EMPTY
        self.rt__event_counts = EMPTY
        self.rt__forced = EMPTY
        self.rt__param_types = EMPTY
        self.rt__tasks: set[Any] | None = None
        # Entries (what the FIFO calls) per event input, rebuilt at each link.
        self.rt__entries: dict[str, Callable[[], Any]] = {}
        self.rt__totals_at = -1
        self.rt__reset_values()
        for ev in fbtype.interface.event_outputs:
            setattr(self, ev.name, noop)

    # -- what subclasses provide -------------------------------------------------------------

    def rt__handler(self, event: str) -> Callable[[], Any]:
        """The callable that runs event input ``event`` (sync, or a coroutine function)."""
        raise NotImplementedError

    def rt__is_async(self, event: str) -> bool:
        return False

    def rt__any_async(self) -> bool:
        return any(self.rt__is_async(e.name) for e in self.rt__type.interface.event_inputs)

    def rt__on_start(self, warm: bool) -> None:
        """Called when the resource starts (service blocks: E_RESTART sends COLD/WARM)."""

    def rt__on_stop(self) -> None:
        """Called when the resource stops, before the queue is drained (E_RESTART sends STOP)."""

    def rt__on_kill(self) -> None:
        """Called on kill and on stop after draining: cancel timers and tasks."""

    # -- values -------------------------------------------------------------------------------

    def rt__reset_values(self) -> None:
        """Initial values of the type, then the written parameters (FORTE's RESET)."""
        for port in self.rt__type.interface.data_ports():
            setattr(self, port.name, port.initial_value())
        self.rt__reset_internals()
        for pin, value in self.rt__params.items():
            setattr(self, pin, value)

    def rt__reset_internals(self) -> None:
        """Internal variables of Basic FBs, state of Python blocks: subclasses extend."""

    def rt__set_param(self, pin: str, value: Any) -> None:
        """Set a parameter now and remember it for resets (``value`` already typed)."""
        own_dict(self, "rt__params")[pin] = value
        setattr(self, pin, value)

    # -- monitoring -----------------------------------------------------------------------------

    def rt__event_total(self, event: str) -> int:
        """Events that arrived at input ``event``, or left by output ``event``, since creation.

        Always counted, as FORTE's monitoring counts; exact between two dispatcher slices
        (the dispatcher adds up what a slice ran when the slice ends).
        """
        itf = self.rt__type.interface
        slot = event_slot(itf, event)
        res = self.rt__resource
        total = res.totals[self.rt__totals_at + slot] if self.rt__totals_at >= 0 and res else 0
        if slot >= len(itf.event_inputs):
            total += counter_value(getattr(self, event, None))
        return total

    def rt__event_totals(self) -> dict[str, int]:
        """Every event pin's total since creation (inputs, then outputs)."""
        itf = self.rt__type.interface
        names = [e.name for e in itf.event_inputs] + [e.name for e in itf.event_outputs]
        return {name: self.rt__event_total(name) for name in names}

    def rt__set_event_total(self, event: str, value: int = 0) -> None:
        """Set a total (the management protocol's reset of an event count)."""
        res = self.rt__resource
        if res is None:
            raise NetworkError(f"{self.rt__path()} is in no resource")
        index = res.totals_index(self, event)
        res.totals[index] += value - self.rt__event_total(event)

    # -- identity -------------------------------------------------------------------------------

    def rt__path(self) -> str:
        """Dotted path from the resource: ``Line.Filter``."""
        parts = [self.rt__name]
        parent = self.rt__parent
        while isinstance(parent, FBInstance):
            parts.append(parent.rt__name)
            parent = parent.rt__parent
        return ".".join(reversed(parts))

    def rt__clock(self) -> Clock:
        res = self.rt__resource
        if res is None:
            from fbruntime.core.clock import RealClock

            return RealClock()
        return res.clock

    def rt__now(self) -> int:
        return self.rt__clock().wall_ns()

    def rt__monotonic(self) -> int:
        return self.rt__clock().monotonic_ns()

    def rt__source_type(self, pin: str) -> Any:
        """The declared IEC type of whatever feeds data input ``pin``: the connected output's, or
        the literal's for a parameter written as ``INT#42`` on an ANY pin; else None.

        Blocks with ANY inputs (OUT_ANY_CONSOLE, CSV_WRITER) print values in their source's type.
        """
        parent = self.rt__parent
        net = getattr(parent, "rt__network", None)
        if net is None and self.rt__resource is not None:
            net = self.rt__resource.network
        conn = net.data_source(self, pin) if net is not None else None
        if conn is None:
            return self.rt__param_types.get(pin)
        owner = conn.src_fb if conn.src_fb is not None else parent
        port = owner.rt__type.interface.data_port(conn.src_pin) if owner is not None else None
        if port is None:
            return None
        if port.type.is_generic:
            # An ANY output says what it last held (FORTE's variant outputs, e.g. F_ADD.OUT).
            return owner.rt__param_types.get(conn.src_pin, port.type)
        return port.type

    # -- synchronous use (internal FBs of Basic FBs, tests, scripts) --------------------------------

    def rt__invoke(self, event: str | None = None) -> None:
        """Run one event input now, outside any queue; outputs go nowhere.

        FORTE runs the internal FBs of a Basic FB this way. ``None`` picks the only event input.
        """
        itf = self.rt__type.interface
        if event is None:
            if len(itf.event_inputs) != 1:
                raise NetworkError(
                    f"{self.rt__path()}: name the event to invoke; it has "
                    f"{', '.join(e.name for e in itf.event_inputs) or 'none'}"
                )
            event = itf.event_inputs[0].name
        if itf.event_input(event) is None:
            raise NetworkError(f"{self.rt__path()} has no event input {event!r}")
        if self.rt__is_async(event):
            raise NetworkError(f"{self.rt__path()}.{event} is async and cannot be invoked inline")
        self.rt__handler(event)()

    # -- faults -------------------------------------------------------------------------------------

    def rt__record_error(self, event: str, exc: BaseException) -> BlockFault:
        self.rt__fault_count += 1
        self.rt__fault = BlockFault(
            event=event,
            message=str(exc) or type(exc).__name__,
            kind=type(exc).__name__,
            count=self.rt__fault_count,
            detail="".join(traceback.format_exception(exc, limit=6)),
            at=time.time(),
        )
        return self.rt__fault

    def rt__clear_fault(self) -> None:
        self.rt__fault = None

    def __repr__(self) -> str:
        return f"<{self.rt__type.name} {self.rt__path()} {self.rt__state.value}>"
