"""A resource: one FIFO event queue and the run-to-completion dispatcher that drains it.

This is FORTE's event chain execution thread (``ecet.cpp``) in Python: pop one entry, call it
(the entry samples its WITH inputs and runs the block; the block's emitters append destinations to
the tail), repeat. Breadth-first, FIFO, one event at a time. Unlike FORTE the queue is unbounded,
so a burst never drops events; the dispatcher yields to asyncio every ``slice_events`` events so
timers, async handlers and the API stay responsive.

asyncio is only at the boundary: timers, async handlers and calls from outside (API, management,
other resources) hand callables in through an ``asyncio.Queue`` (``post``); the dispatcher moves
them to the tail of the FIFO between slices, as FORTE moves its external event list.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import _count_elements  # type: ignore[attr-defined]
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from functools import partial
from itertools import islice
from operator import length_hint
from typing import Any

from fbruntime.core.asyncrun import AsyncRuns, CallAnswer, answering
from fbruntime.core.clock import Clock, RealClock
from fbruntime.core.errors import LifecycleError, NetworkError, NoSuchObject
from fbruntime.core.instance import BlockFault, FBInstance, FBState, event_slot, own_dict
from fbruntime.core.linker import LinkState, call_entry, link, link_additions
from fbruntime.core.network import Network, TypeLike, coerce_value, set_typed_param

__all__ = ["OutputEvent", "Resource", "ResourceState"]

_log = logging.getLogger("fbruntime.resource")

Entry = Callable[[], Any]


class ResourceState(enum.Enum):
    IDLE = "idle"
    RUNNING = "running"
    STOPPED = "stopped"
    KILLED = "killed"


@dataclass(frozen=True, slots=True)
class OutputEvent:
    """An event a block sent, with the values of its WITH outputs at that moment."""

    path: str
    event: str
    values: dict[str, Any]
    time_ns: int

    def as_dict(self) -> dict[str, Any]:
        return {"block": self.path, "event": self.event, "values": self.values}


class Resource:
    """A resource with its network, FIFO, dispatcher and lifecycle."""

    slice_events = 20_000  # the most events one slice runs before asyncio gets a turn
    slice_seconds = 0.005  # ... and slices shrink so that one lasts about this long

    def __init__(self, name: str = "RES", *, clock: Clock | None = None) -> None:
        self.name = name
        self.clock: Clock = clock or RealClock()
        self.network = Network()
        self.network.listener = self._network_changed
        # The FIFO is a list read front to back and cut once per slice (``run_slice``): what a
        # slice ran stays readable until the cut, so the dispatcher can count it in C.
        self.queue: list[Entry] = []
        self.totals: list[int] = []  # every event pin's count, see FBInstance.rt__totals_at
        self.slot_map: dict[Any, int] = {}  # FIFO entry -> where it is counted (the linker's)
        self._old_slot_map: dict[Any, int] = {}
        self._ran: dict[Any, int] = {}
        self.state = ResourceState.IDLE
        self.device: Any = None
        self.exit_code: int | None = None
        self._inbox: asyncio.Queue[Entry | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._dirty = True
        self._full_relink = True  # vs. only FBs and connections added (`link_additions`)
        self.link_state: LinkState | None = None
        self._idle = True
        self._idle_event: asyncio.Event | None = None
        self._warm = False
        self._tracers: list[Callable[[OutputEvent], None]] = []
        self._fault_listeners: list[Callable[[FBInstance, BlockFault], None]] = []
        self.tracing = False
        # Async handler runs started or waiting (not yet ended), and how many of them sleep on
        # a virtual clock (they cannot move until the test advances it): settle() waits for the
        # others. Calls waiting for their answer, by instance (id), for the emit hook.
        self._runs = 0
        self._parked = 0
        self._runs_idle: asyncio.Event | None = None
        self._answers: dict[int, list[CallAnswer]] = {}
        self._call_locks: dict[int, asyncio.Lock] = {}
        settle_hook = getattr(self.clock, "add_settle_hook", None)
        if settle_hook is not None:
            # A test clock's advance() settles the FIFO between timers; async runs woken by a
            # timer are given their turns there, not awaited (they may wait on the clock again).
            settle_hook(self._quiesce)

    # -- building ------------------------------------------------------------------------------

    def add(self, name: str, fbtype: TypeLike | FBInstance, /, **params: Any) -> FBInstance:
        inst = self.network.add(name, fbtype, **params)
        self._adopt(inst)
        return inst

    def connect(self, source: str, destination: str) -> None:
        self.network.connect(source, destination)  # the network tells mark_dirty

    def _adopt(self, inst: FBInstance) -> None:
        stack = [inst]
        while stack:
            fb = stack.pop()
            if fb.rt__resource is not self:
                fb.rt__totals_at = -1  # counted afresh in this resource's totals
            fb.rt__resource = self
            inner_net = getattr(fb, "rt__network", None)
            if isinstance(inner_net, Network):
                inner_net.listener = self.mark_dirty
            if self.state is ResourceState.RUNNING:
                fb.rt__state = FBState.RUNNING
            inner = getattr(fb, "rt__network", None)
            if isinstance(inner, Network):
                stack.extend(inner.instances.values())
        self._dirty = True

    def mark_dirty(self) -> None:
        """Something that linking depends on changed (watch, force, state): relink before next slice."""
        self._full_relink = True
        if not self._dirty:
            self._dirty = True
            self.kick()

    def _network_changed(self) -> None:
        # The top network tells of every change; if they were all additions, the next relink
        # links only those (the linker checks), so a deployment into a running resource does
        # not relink the whole resource per command.
        if not self._dirty:
            self._dirty = True
            self.kick()

    # -- addressing ----------------------------------------------------------------------------

    def find(self, path: str) -> tuple[FBInstance, str | None]:
        """``Line.Filter.Gain`` -> (the Filter instance, "Gain"); ``Line.Filter`` -> (it, None).

        Instance names may themselves contain dots (flattened subapps), so the longest
        instance name that matches wins at each level; a composite's own pin wins over
        descending into it.
        """
        net = self.network
        rest = path
        inst: FBInstance | None = None
        while rest:
            parts = rest.split(".")
            found = None
            for n in range(len(parts), 0, -1):
                candidate = ".".join(parts[:n])
                if candidate in net.instances:
                    found = net.instances[candidate]
                    rest = ".".join(parts[n:])
                    break
            if found is None:
                break
            inst = found
            inner = getattr(inst, "rt__network", None)
            if (
                rest
                and isinstance(inner, Network)
                and ("." in rest or inst.rt__type.interface.kind_of(rest) is None)
            ):
                net = inner
                continue
            break
        if inst is None:
            raise NoSuchObject(f"resource {self.name}: no block at {path!r}")
        if not rest:
            return inst, None
        if "." in rest:
            raise NoSuchObject(f"resource {self.name}: {inst.rt__path()} has no block {rest!r}")
        if inst.rt__type.interface.kind_of(rest) is None:
            raise NoSuchObject(
                f"resource {self.name}: {inst.rt__path()} ({inst.rt__type.name}) has no pin {rest!r}"
            )
        return inst, rest

    def has_block_for(self, path: str) -> bool:
        """Whether ``path`` starts with the name of a block of this resource (for errors)."""
        parts = path.split(".")
        return any(".".join(parts[:n]) in self.network.instances for n in range(1, len(parts)))

    def read(self, path: str) -> Any:
        inst, pin = self.find(path)
        if pin is None or inst.rt__type.interface.data_port(pin) is None:
            raise NoSuchObject(f"resource {self.name}: {path!r} is not a data pin")
        return getattr(inst, pin)

    def write(self, path: str, value: Any) -> None:
        """Set a data pin as a parameter (remembered across resets); literal text is parsed."""
        inst, pin = self.find(path)
        port = inst.rt__type.interface.data_port(pin) if pin else None
        if pin is None or port is None:
            raise NoSuchObject(f"resource {self.name}: {path!r} is not a data pin")
        set_typed_param(inst, pin, port.type, value, f"{self.name}.{path}")

    async def call(self, path: str, /, timeout: float | None = 10.0, **inputs: Any) -> OutputEvent:
        """Use a block (or a whole composite) as a function: fire it with inputs, await its answer.

        ``await res.call("L.REQ", X=1.5)`` sends L.REQ carrying X=1.5 and returns the event L
        sends in answer, with its WITH values. The inputs travel with the event: nothing is
        written before the event is processed, and they win over what a connection would
        sample. The answer is the event the handler of *this* event sends (so concurrent calls
        each get their own, also from async handlers); when that handler sends nothing (a timer
        answering later, a composite whose answer crosses the FIFO), the next event the block
        sends. Calls into one composite take turns, since its insides read its inputs later. A
        fault in the handler is raised here. The resource must be running.
        """
        inst, pin = self.find(path)
        if pin is None or inst.rt__type.interface.event_input(pin) is None:
            raise NoSuchObject(f"resource {self.name}: {path!r} is not an event input")
        values: dict[str, Any] = {}
        for name, value in inputs.items():
            port = inst.rt__type.interface.data_port(name)
            if port is None:
                raise NoSuchObject(f"resource {self.name}: {inst.rt__path()} has no pin {name!r}")
            values[name] = coerce_value(port.type, value, f"{inst.rt__path()}.{name}")
        if self.state is not ResourceState.RUNNING:
            raise LifecycleError(f"resource {self.name} is not running; start it before a call")
        if getattr(inst, "rt__network", None) is None:
            return await self._call(inst, pin, values, timeout)
        lock = self._call_locks.setdefault(id(inst), asyncio.Lock())
        async with lock:
            return await self._call(inst, pin, values, timeout)

    async def _call(
        self, inst: FBInstance, pin: str, values: dict[str, Any], timeout: float | None
    ) -> OutputEvent:
        answer = CallAnswer(inst, asyncio.get_running_loop().create_future())
        waiting = self._answers.setdefault(id(inst), [])
        waiting.append(answer)
        if len(waiting) == 1:
            self.mark_dirty()  # its emitters now report to the emit hook
        try:
            self.post(partial(self._deliver, inst, pin, values, answer))
            return await asyncio.wait_for(answer.future, timeout)
        finally:
            waiting.remove(answer)
            if not waiting:
                del self._answers[id(inst)]
                self.mark_dirty()

    def _deliver(
        self, inst: FBInstance, pin: str, values: dict[str, Any], answer: CallAnswer
    ) -> None:
        """A call's event, processed in its turn: its inputs set, its handler run."""
        self.totals[self.totals_index(inst, pin)] += 1  # an arrival, as external_entry counts
        token = answering.set(answer)
        try:
            call_entry(self, inst, pin, values)()
        except Exception as exc:
            self.report_fault(inst, inst.rt__record_error(pin, exc))
            answer.fail(exc)
            return
        finally:
            answering.reset(token)
        if not inst.rt__is_async(pin):
            answer.settle_after_run()

    def fire(self, path: str) -> None:
        """Trigger an event input from outside, as the management ``$e`` does."""
        inst, pin = self.find(path)
        if pin is None or inst.rt__type.interface.event_input(pin) is None:
            raise NoSuchObject(f"resource {self.name}: {path!r} is not an event input")
        self.post(self.external_entry(inst, pin))

    def external_entry(self, inst: FBInstance, pin: str) -> Entry:
        """What the FIFO runs for an event input triggered from outside, counted as an arrival.

        The entry is looked up when it runs, so a relink in between cannot run a stale one.
        """
        totals = self.totals
        index = self.totals_index(inst, pin)

        def fired() -> None:
            totals[index] += 1
            inst.rt__entries[pin]()

        return fired

    # -- the dispatcher --------------------------------------------------------------------------

    def post(self, entry: Entry) -> None:
        """Hand an external event in (from this thread's event loop)."""
        inbox = self._inbox
        if inbox is None:
            self.queue.append(entry)
        else:
            inbox.put_nowait(entry)

    def kick(self) -> None:
        """Wake an idle dispatcher after something appended to the FIFO directly."""
        if self._idle and self._inbox is not None:
            self._inbox.put_nowait(None)

    def relink_if_needed(self) -> None:
        if self._dirty:
            self._dirty = False
            full, self._full_relink = self._full_relink, False
            if full or not link_additions(self):
                link(self)

    def run_slice(self, budget: int | None = None) -> None:
        """Dispatch up to ``budget`` events synchronously.

        The loop is the whole hot path: a C-level iterator over the FIFO list (it sees what
        handlers append while it runs) and a body that only calls the entry. When it stops, the
        entries it ran are counted in C (``_count_elements``) and cut from the front. A handler's
        exception is recorded on its instance and the loop goes on after it.
        """
        q = self.queue
        todo = budget or self.slice_events
        ran = self._ran
        # After a fault the loop resumes; a network that faults on every event must still give
        # the event loop its turn, so faults also use up the slice.
        for _ in range(min(todo, 256)):
            it = iter(q)
            entry: Entry | None = None
            failed: Exception | None = None
            try:
                for entry in islice(it, todo):
                    entry()
            except Exception as exc:
                failed = exc
            finally:
                done = len(q) - length_hint(it)
                _count_elements(ran, islice(q, done))
                del q[:done]
                todo -= done
            if failed is None:
                break
            self._fault(entry, failed)
            if todo <= 0 or not q:
                break
        self._count_ran()

    def _count_ran(self) -> None:
        """Add what the last slice ran to the totals of the pins it went through (cold: once
        per slice, one step per distinct entry)."""
        ran = self._ran
        if not ran:
            return
        slots = self.slot_map
        old = self._old_slot_map
        totals = self.totals
        for entry, n in ran.items():
            record = slots.get(entry) or old.get(entry)
            if record:  # (input index + 1) | (output index + 1) << 32, see the linker
                into = record & 0xFFFFFFFF
                if into:
                    totals[into - 1] += n
                out_of = record >> 32
                if out_of:
                    totals[out_of - 1] += n
        ran.clear()
        if old and not self.queue:
            old.clear()  # no entry of the previous link is left to count

    def totals_index(self, inst: FBInstance, event: str | None = None) -> int:
        """Where ``inst``'s totals start in ``totals`` (or its pin ``event``'s), placed on first use."""
        if inst.rt__totals_at < 0:
            itf = inst.rt__type.interface
            inst.rt__totals_at = len(self.totals)
            self.totals.extend([0] * (len(itf.event_inputs) + len(itf.event_outputs)))
        if event is None:
            return inst.rt__totals_at
        return inst.rt__totals_at + event_slot(inst.rt__type.interface, event)

    def adopt_slot_map(self, slots: dict[Any, int]) -> None:
        """The linker's new map; the old one still counts entries already in the FIFO."""
        self._count_ran()
        self._old_slot_map = self.slot_map
        self.slot_map = slots

    def drain(self, max_events: int = 100_000_000) -> None:
        """Run synchronously until the FIFO is empty (scripts, benchmarks, tests)."""
        self.relink_if_needed()
        while self.queue and max_events > 0:
            self.run_slice(min(self.slice_events, max_events))
            max_events -= self.slice_events

    async def _dispatch(self) -> None:
        assert self._inbox is not None and self._idle_event is not None
        inbox = self._inbox
        q = self.queue
        budget = self.slice_events
        clock = time.perf_counter
        while True:
            if self._dirty:
                self.relink_if_needed()
            if not q and inbox.empty():
                self._idle = True
                self._idle_event.set()
                item = await inbox.get()
                self._idle = False
                self._idle_event.clear()
                if item is not None:
                    q.append(item)
            while not inbox.empty():
                item = inbox.get_nowait()
                if item is not None:
                    q.append(item)
            if self._dirty:
                self.relink_if_needed()
            if q:
                started = clock()
                self.run_slice(min(budget, self.slice_events))
                if q:
                    # The slice used its whole budget: size the next one by time, so slow
                    # blocks (or a loaded machine) do not stretch the API's wait. Once per
                    # slice, never per event.
                    spent = clock() - started
                    budget = max(
                        64,
                        min(self.slice_events, int(budget * self.slice_seconds / max(spent, 1e-6))),
                    )
            await asyncio.sleep(0)

    async def settle(self) -> None:
        """Wait until the FIFO is empty, the dispatcher idle and no async handler is running.

        Under a :class:`~fbruntime.core.clock.TestClock`, a handler sleeping on the clock counts
        as done for now (only ``advance`` can move it), so tests settle between advances.
        """
        while True:
            await self._quiesce()
            if self._runs <= self._parked or self.state is not ResourceState.RUNNING:
                return
            idle = self._runs_idle = asyncio.Event()
            await idle.wait()

    async def _quiesce(self) -> None:
        """Wait until the FIFO and inbox are empty and the dispatcher is idle."""
        for _ in range(1000):
            for _ in range(3):
                await asyncio.sleep(0)
            if self._task is None or self._idle_event is None:
                if self.queue and self.state is ResourceState.RUNNING:
                    self.drain()
                return
            if self._idle and not self.queue and (self._inbox is None or self._inbox.empty()):
                return
            await self._idle_event.wait()

    def async_run_added(self) -> None:
        self._runs += 1

    def async_run_removed(self) -> None:
        self._runs -= 1
        self._runs_changed()

    def async_run_parked(self, delta: int) -> None:
        """A run starts (+1) or stops (-1) sleeping on a virtual clock (see settle)."""
        self._parked += delta
        self._runs_changed()

    def _runs_changed(self) -> None:
        idle = self._runs_idle
        if idle is not None and self._runs <= self._parked:
            self._runs_idle = None
            idle.set()

    # -- faults and monitoring -----------------------------------------------------------------

    def _fault(self, entry: Entry | None, exc: BaseException) -> None:
        inst, event = _owner_of(entry)
        if inst is None:
            _log.error("resource %s: fault in an external event: %r", self.name, exc)
            return
        self.report_fault(inst, inst.rt__record_error(event, exc))

    def report_fault(self, inst: FBInstance, fault: BlockFault) -> None:
        for listener in list(self._fault_listeners):
            listener(inst, fault)

    def on_fault(self, listener: Callable[[FBInstance, BlockFault], None]) -> None:
        self._fault_listeners.append(listener)

    def add_tracer(self, tracer: Callable[[OutputEvent], None]) -> None:
        """Call ``tracer`` for every event any block of this resource sends (slower: opt-in)."""
        self._tracers.append(tracer)
        self.tracing = True
        self.mark_dirty()

    def remove_tracer(self, tracer: Callable[[OutputEvent], None]) -> None:
        if tracer in self._tracers:
            self._tracers.remove(tracer)
        self.tracing = bool(self._tracers)
        self.mark_dirty()

    def emit_hook(self, inst: FBInstance, event: str) -> None:
        port = inst.rt__type.interface.event_output(event)
        values = {v: getattr(inst, v) for v in port.with_ if v} if port else {}
        ev = OutputEvent(inst.rt__path(), event, values, self.clock.monotonic_ns())
        for tracer in self._tracers:
            tracer(ev)
        for queue in getattr(inst, "rt__subscribers", ()):
            if queue.full():
                queue.get_nowait()  # keep the newest; a slow watcher must not stall the FIFO
            queue.put_nowait(ev)
        waiting = self._answers.get(id(inst))
        if waiting:
            current = answering.get()
            if current is not None and current.inst is inst and not current.future.done():
                current.future.set_result(ev)
                return
            for answer in waiting:
                if answer.next_mode and not answer.future.done():
                    answer.future.set_result(ev)
                    return

    def answers_waiting(self, inst: FBInstance) -> bool:
        """Whether a call waits for this instance's answer (its emitters report then)."""
        return id(inst) in self._answers

    async def subscribe(self, path: str, maxsize: int = 1000) -> AsyncGenerator[OutputEvent, None]:
        """Async-iterate the events one instance sends (its outputs, with their values)."""
        inst, _ = self.find(path)
        queue: asyncio.Queue[OutputEvent] = asyncio.Queue(maxsize)
        subs: list[asyncio.Queue[OutputEvent]] = getattr(inst, "rt__subscribers", [])
        subs.append(queue)
        inst.rt__subscribers = subs  # type: ignore[attr-defined]
        self.mark_dirty()
        try:
            while True:
                yield await queue.get()
        finally:
            subs.remove(queue)
            self.mark_dirty()

    def watch_events(self, inst: FBInstance, event: str) -> list[int]:
        """Count arrivals at an event input (count, last monotonic ns) from now on."""
        counts: dict[str, list[int]] = own_dict(inst, "rt__event_counts")
        counter = counts.setdefault(event, [0, 0])
        self.mark_dirty()
        return counter

    def unwatch_events(self, inst: FBInstance, event: str) -> None:
        own_dict(inst, "rt__event_counts").pop(event, None)
        self.mark_dirty()

    def force(self, path: str, value: Any) -> None:
        """Force a data pin: it keeps ``value`` whatever its connection or block writes send."""
        inst, pin = self.find(path)
        port = inst.rt__type.interface.data_port(pin) if pin else None
        if pin is None or port is None:
            raise NoSuchObject(f"resource {self.name}: {path!r} is not a data pin")
        value = coerce_value(port.type, value, f"{self.name}.{path}")
        own_dict(inst, "rt__forced")[pin] = value
        setattr(inst, pin, value)
        self.mark_dirty()

    def unforce(self, path: str) -> None:
        inst, pin = self.find(path)
        if pin is not None:
            own_dict(inst, "rt__forced").pop(pin, None)
        self.mark_dirty()

    # -- async handlers ----------------------------------------------------------------------------

    def async_starter(self, inst: FBInstance, event: str) -> Entry:
        """The entry part that starts an async handler's run (see fbruntime.core.asyncrun)."""
        port = inst.rt__type.interface.event_input(event)
        with_vars = tuple(v for v in (port.with_ if port else ()) if v)
        runs = getattr(inst, "rt__async_state", None)
        if not isinstance(runs, AsyncRuns) or runs.res is not self:
            runs = inst.rt__async_state = AsyncRuns(self, inst)  # type: ignore[attr-defined]
        return partial(runs.start, event, inst.rt__handler(event), with_vars)

    # -- lifecycle (FORTE: Idle -> START -> Running -> STOP -> Stopped; KILL; RESET -> Idle) ------

    def start(self) -> None:
        """Start the resource: blocks run, E_RESTART sends COLD or WARM, the dispatcher starts."""
        if self.state is ResourceState.RUNNING:
            raise LifecycleError(f"resource {self.name} is already running")
        if self.state is ResourceState.KILLED:
            raise LifecycleError(f"resource {self.name} was killed; reset it before starting")
        loop = asyncio.get_running_loop()
        warm = self._warm
        self._set_all(FBState.RUNNING)
        self._inbox = asyncio.Queue()
        self._idle_event = asyncio.Event()
        self._idle = False
        self.state = ResourceState.RUNNING
        self._dirty = self._full_relink = True
        self.relink_if_needed()
        for inst in list(self.network.walk()):
            inst.rt__on_start(warm)
        self._task = loop.create_task(self._dispatch(), name=f"fbrt resource {self.name}")

    async def stop(self, drain_limit: int = 1_000_000) -> None:
        """Stop: E_RESTART sends STOP, the chain it starts is delivered, then blocks stop."""
        if self.state is not ResourceState.RUNNING:
            raise LifecycleError(f"resource {self.name} is not running ({self.state.value})")
        for inst in list(self.network.walk()):
            inst.rt__on_stop()
        await self._halt(drain_limit)
        self.state = ResourceState.STOPPED
        self._warm = True
        self._set_all(FBState.STOPPED)

    def kill(self) -> None:
        """Stop at once: the FIFO is dropped, timers and tasks cancelled."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.queue.clear()
        for inst in list(self.network.walk()):
            inst.rt__on_kill()
        self.state = ResourceState.KILLED
        self._set_all(FBState.KILLED)
        self._inbox = None

    def reset(self) -> None:
        """Back to initial values and written parameters; the next start is COLD."""
        if self.state is ResourceState.RUNNING:
            raise LifecycleError(f"resource {self.name} is running; stop it before a reset")
        self.queue.clear()
        for inst in list(self.network.walk()):
            inst.rt__reset_values()
            inst.rt__clear_fault()
            for buf_pin, buf in inst.rt__buffers.items():
                buf.v = getattr(inst, buf_pin)
        nets = [self.network]
        nets += [
            n
            for i in self.network.walk()
            if isinstance(n := getattr(i, "rt__network", None), Network)
        ]
        for net in nets:  # fan-in inputs: nothing has been sent since the reset
            for dst, pin, cell in net.fan_in_cells.values():
                cell.v = getattr(dst if dst is not None else net.owner, pin)
        self._warm = False
        self.state = ResourceState.IDLE
        self._set_all(FBState.IDLE)

    async def _halt(self, drain_limit: int) -> None:
        task = self._task
        if task is not None:
            await self._settle_within(max(1, drain_limit // self.slice_events))
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
            self._task = None
        for inst in list(self.network.walk()):
            inst.rt__on_kill()
        self.queue.clear()
        self._inbox = None

    async def _settle_within(self, max_slices: int) -> None:
        """Let the dispatcher run until it is idle, for at most ``max_slices`` slices (a stop
        delivers E_RESTART's STOP chain but must end even if the chain never does)."""
        for _ in range(max_slices):
            if self._idle and not self.queue and (self._inbox is None or self._inbox.empty()):
                return
            await asyncio.sleep(0)

    def _set_all(self, state: FBState) -> None:
        for inst in self.network.walk():
            inst.rt__state = state
        self._dirty = self._full_relink = True

    def set_block_state(self, path: str, state: FBState) -> None:
        """START/STOP/KILL of a single block, as the management protocol allows."""
        inst, pin = self.find(path)
        if pin is not None:
            raise NetworkError(f"{path!r} names a pin, not a block")
        if state is FBState.STOPPED:
            inst.rt__on_stop()
        if state in (FBState.STOPPED, FBState.KILLED):
            inst.rt__on_kill()
        elif state is FBState.IDLE:
            inst.rt__reset_values()
        stack = [inst]
        while stack:
            fb = stack.pop()
            fb.rt__state = state
            inner = getattr(fb, "rt__network", None)
            if isinstance(inner, Network):
                stack.extend(inner.instances.values())
        self.mark_dirty()

    def request_exit(self, code: int = 0) -> None:
        """End the run (STEST_END): the device's, or this resource's alone without a device."""
        if self.device is not None:
            self.device.request_exit(code)
        else:
            self.exit_code = code

    async def __aenter__(self) -> Resource:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.state is ResourceState.RUNNING:
            self.kill()
            await asyncio.sleep(0)

    def __repr__(self) -> str:
        return f"<Resource {self.name} {self.state.value} {len(self.network.instances)} blocks>"


def _owner_of(entry: Entry | None) -> tuple[FBInstance | None, str]:
    """Which instance and event an entry belongs to, for fault records (cold path)."""
    if entry is None:
        return None, ""
    target = getattr(entry, "__self__", None)
    if isinstance(target, FBInstance):
        name = getattr(entry, "__name__", "")
        return target, name[3:] if name.startswith("on_") else name
    closure = getattr(entry, "__closure__", None) or ()
    for cell in closure:
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if isinstance(value, FBInstance):
            for ev, e in value.rt__entries.items():
                if e is entry:
                    return value, ev
            # an external event (``fire``) holds the instance and the event's name
            for other in closure:
                name = other.cell_contents
                if isinstance(name, str) and name in value.rt__entries:
                    return value, name
            return value, ""
        inner_self = getattr(value, "__self__", None)
        if isinstance(inner_self, FBInstance):
            return _owner_of(value)
    return None, ""
