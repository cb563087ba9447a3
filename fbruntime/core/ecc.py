"""The generic runtime of Basic, Simple and Function FB types: ECCs and algorithms already compiled.

A 4diac Basic FB is an interface, internal variables, internal FBs and an ECC whose actions run
algorithms. This module runs them with FORTE's semantics (``BasicFBImplTemplate.xtend``): the
first state is initial; the current state's transitions are tested in document order and the
first true one fires; entering a state runs its actions in order (algorithm, then output event,
which only enqueues); the ECC runs to completion, with the event consumed after the first step
so later steps only take eventless transitions. Unlike FORTE an ECC that keeps cycling without an
event is stopped after ``loop_bound`` steps and the fault is raised (the resource records it on
the instance and runs on).

Faults: FORTE's generated code has none to handle (an integer division by zero logs an error and
yields 0, an index out of range is undefined behaviour). Here an algorithm's fault (division by
zero, index out of range, the watchdog), a failing guard or an endless eventless cycle *ends the
event's run*: the rest of the run is not executed, and the ECC goes back to the state the event
found it in, so the next event is handled from there exactly as if the faulted one had not
arrived. What already happened stays: variables the algorithm wrote before the fault, and
output events already sent. The fault is raised to the resource, which records it on the
instance with the event's name. (Staying in the faulted action's state instead, as a plain
exception would leave it, swallows the next event: it only takes the transition back.)

Speed: one Python function is generated per (type, event) for the whole ECC, with states as
ints, transitions inlined as ``if``/``elif`` and guards inlined as expressions when the caller
gives them as Python source over ``fb`` (the ST compiler does). The per-instance handler is the
function bound to the instance, so the dispatcher calls it as it calls a Python block's method.

Nothing here knows XML or Structured Text: algorithms and guards arrive compiled (callables
``fn(fb)``, or guard expression source plus the namespace it needs).

Adapters: an adapter connection is one :class:`AdapterLink` shared by the plug and the socket
side. Its attributes are the adapter's data pins (shared storage, as FORTE's ``mDIs =
peer->mDOs``) and, per event, an emitter that appends the receiving owner's entry to its FIFO
(one queue hop). An FB sees its adapter as the attribute named after the plug or socket.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MethodType
from typing import Any

from fbruntime.core.errors import DefinitionError, EngineError
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance, FBState, noop
from fbruntime.core.interface import DataPort, Interface, check_name
from fbruntime.core.watchdog import WatchdogExpired
from fbruntime.iec.limits import MAX_INSTANCE_ELEMENTS, elements

__all__ = [
    "AdapterLink",
    "AdapterProxyType",
    "AdapterSpec",
    "BasicInstance",
    "BasicType",
    "EccAction",
    "EccFault",
    "EccState",
    "EccTransition",
    "Guard",
    "SimpleInstance",
    "SimpleType",
]

Guard = bool | str | Callable[[Any], bool]
"""True/False, Python expression source over ``fb``, or a callable ``fn(fb) -> bool``."""

Algorithm = Callable[[Any], None]
TypeSource = FBType | Callable[[], FBType]

DEFAULT_LOOP_BOUND = 10_000
_INLINE_DEPTH = 4


class EccFault(EngineError):
    """A fault of an ECC itself (an eventless cycle, a failing guard), naming instance and state."""


@dataclass(frozen=True, slots=True)
class EccAction:
    algorithm: str | None = None
    output: str | None = None


@dataclass(frozen=True, slots=True)
class EccState:
    name: str
    actions: tuple[EccAction, ...] = ()


@dataclass(frozen=True, slots=True)
class EccTransition:
    """``event`` None is an eventless transition; ``plug.EV`` names an adapter event."""

    source: str
    destination: str
    event: str | None = None
    guard: Guard = True
    text: str = ""


@dataclass(frozen=True, slots=True)
class AdapterSpec:
    """A plug or socket of a type: the pins its owner sees (``is_socket``: as declared).

    ``event_inputs`` are what the owner sends (its ECAction outputs ``name.EV``) and
    ``event_outputs`` what the owner receives (its ECC events ``name.EV``).
    """

    name: str
    type_name: str
    is_socket: bool
    event_inputs: tuple[str, ...]
    event_outputs: tuple[str, ...]
    data: tuple[DataPort, ...]


def _attr(base: str, name: str) -> str:
    if name.isidentifier() and not keyword.iskeyword(name):
        return f"{base}.{name}"
    return f"getattr({base}, {name!r})"


# --- adapters --------------------------------------------------------------------------------


class AdapterLink:
    """The shared state of one adapter connection (or of an unconnected adapter)."""

    def __init__(
        self, type_name: str, data: Sequence[DataPort], events: Sequence[str] = ()
    ) -> None:
        self.rt__type_name = type_name
        for port in data:
            setattr(self, port.name, port.initial_value())
        for event in events:
            setattr(self, event, noop)

    def rt__route(self, event: str, owner: FBInstance, entry: Callable[[], Any]) -> None:
        """Make ``link.event()`` append ``entry`` (of ``owner``) to owner's FIFO."""

        def send() -> None:
            res = owner.rt__resource
            if res is not None and owner.rt__state is FBState.RUNNING:
                res.queue.append(entry)

        setattr(self, event, send)


class AdapterProxyInstance(FBInstance):
    """The plug or socket pseudo-FB inside a composite: an ordinary inner instance.

    Its event inputs forward to the peer through the link; events arriving from the peer are
    emitted on its event outputs (after copying the shared data into its outputs).
    """

    rt__type: AdapterProxyType

    def __init__(self, fbtype: AdapterProxyType, name: str) -> None:
        super().__init__(fbtype, name)
        itf = fbtype.interface
        events = [e.name for e in (*itf.event_inputs, *itf.event_outputs)]
        self.rt__link = AdapterLink(fbtype.adapter_type, tuple(itf.data_ports()), events)
        self.rt__bind_link(self.rt__link)

    def rt__bind_link(self, link: AdapterLink) -> None:
        self.rt__link = link
        itf = self.rt__type.interface
        for ev in itf.event_outputs:
            link.rt__route(ev.name, self, self.rt__arrival(ev.name))

    def rt__arrival(self, event: str) -> Callable[[], Any]:
        port = self.rt__type.interface.event_output(event)
        names = port.with_ if port is not None else ()

        def arrive() -> None:
            link = self.rt__link
            for name in names:
                if name:
                    setattr(self, name, getattr(link, name))
            getattr(self, event)()

        return arrive

    def rt__handler(self, event: str) -> Callable[[], Any]:
        port = self.rt__type.interface.event_input(event)
        names = port.with_ if port is not None else ()

        def send() -> None:
            link = self.rt__link
            for name in names:
                if name:
                    setattr(link, name, getattr(self, name))
            getattr(link, event, noop)()

        return send


class AdapterProxyType(FBType):
    """The pseudo-FB type of one plug or socket inside a composite (interface as its owner sees)."""

    kind = "adapter"

    def __init__(self, name: str, interface: Interface, adapter_type: str, **meta: Any) -> None:
        super().__init__(name, interface, **meta)
        self.adapter_type = adapter_type

    def create(self, name: str) -> FBInstance:
        return AdapterProxyInstance(self, name)


# --- instances -------------------------------------------------------------------------------


class _ExecutingInstance(FBInstance):
    """Shared by Basic and Simple instances: internal variables, internal FBs and adapters."""

    rt__type: _ExecutingType

    def __init__(self, fbtype: _ExecutingType, name: str) -> None:
        self.rt__internal_fbs: dict[str, FBInstance] = {}
        for fb_name, source in fbtype.internal_fbs:
            inner_type = source if isinstance(source, FBType) else source()
            inner = inner_type.create(fb_name)
            inner.rt__parent = self
            inner.rt__state = FBState.RUNNING
            self.rt__internal_fbs[fb_name] = inner
            setattr(self, fb_name, inner)
        self.rt__adapter_entries: dict[str, Callable[[], Any]] = {}
        super().__init__(fbtype, name)
        for spec in fbtype.adapters:
            events = (*spec.event_inputs, *spec.event_outputs)
            self.rt__bind_link(spec.name, AdapterLink(spec.type_name, spec.data, events))

    def rt__reset_internals(self) -> None:
        for port in self.rt__type.internals:
            setattr(self, port.name, port.initial_value())
        for inner in getattr(self, "rt__internal_fbs", {}).values():
            inner.rt__reset_values()
            inner.rt__reset_internals()

    def rt__bind_link(self, adapter: str, link: AdapterLink) -> None:
        """Attach ``link`` as this FB's plug or socket ``adapter`` (events arrive as ``adapter.EV``)."""
        spec = self.rt__type.adapter(adapter)
        setattr(self, adapter, link)
        for event in spec.event_outputs:
            key = f"{adapter}.{event}"
            entry = self.rt__adapter_entries.get(key)
            if entry is None:
                entry = self.rt__adapter_entries[key] = self.rt__handler(key)
            link.rt__route(event, self, entry)

    def rt__set_resource_of_internals(self) -> None:
        res = self.rt__resource
        for inner in self.rt__internal_fbs.values():
            inner.rt__resource = res
            if isinstance(inner, _ExecutingInstance):
                inner.rt__set_resource_of_internals()

    def rt__on_start(self, warm: bool) -> None:
        self.rt__set_resource_of_internals()


class _ExecutingType(FBType):
    def __init__(
        self,
        name: str,
        interface: Interface,
        *,
        internals: Sequence[DataPort] = (),
        internal_fbs: Sequence[tuple[str, TypeSource]] = (),
        adapters: Sequence[AdapterSpec] = (),
        **meta: Any,
    ) -> None:
        super().__init__(name, interface, **meta)
        self.internals = tuple(internals)
        self.internal_fbs = tuple(internal_fbs)
        self.adapters = tuple(adapters)
        taken = set(interface.pin_names)
        for port in self.internals:
            check_name(port.name, f"{name}: internal variable")
            if port.name in taken:
                raise DefinitionError(f"{name}: internal variable {port.name!r} clashes with a pin")
            taken.add(port.name)
        for fb_name, _ in self.internal_fbs:
            check_name(fb_name, f"{name}: internal FB")
            if fb_name in taken:
                raise DefinitionError(f"{name}: internal FB {fb_name!r} clashes with a name")
            taken.add(fb_name)
        self.elements = sum(elements(p.type) for p in (*interface.data_ports(), *self.internals))
        if self.elements > MAX_INSTANCE_ELEMENTS:
            raise DefinitionError(
                f"{name}: its variables hold {self.elements:,} values; one instance may hold at "
                f"most {MAX_INSTANCE_ELEMENTS:,}"
            )

    def adapter(self, name: str) -> AdapterSpec:
        for spec in self.adapters:
            if spec.name == name:
                return spec
        raise DefinitionError(f"{self.name} has no plug or socket {name!r}")

    def inner_types(self) -> tuple[FBType, ...]:
        return tuple(s if isinstance(s, FBType) else s() for _, s in self.internal_fbs)


class BasicInstance(_ExecutingInstance):
    """An instance of a Basic FB: the ECC state is ``rt__ecc`` (0 is the initial state)."""

    rt__type: BasicType

    def rt__reset_internals(self) -> None:
        self.rt__ecc = 0
        super().rt__reset_internals()

    def rt__handler(self, event: str) -> Callable[[], Any]:
        self.rt__set_resource_of_internals()
        fn = self.rt__type.event_functions.get(event)
        if fn is None:
            raise EngineError(f"{self.rt__path()}: the ECC has no event {event!r}")
        return MethodType(fn, self)

    def rt__state_name(self) -> str:
        return self.rt__type.states[self.rt__ecc].name


class BasicType(_ExecutingType):
    """A Basic FB type: interface, internals, and the ECC compiled to one function per event."""

    kind = "basic"

    def __init__(
        self,
        name: str,
        interface: Interface,
        *,
        states: Sequence[EccState],
        transitions: Sequence[EccTransition],
        algorithms: Mapping[str, Algorithm],
        namespace: Mapping[str, Any] | None = None,
        loop_bound: int = DEFAULT_LOOP_BOUND,
        internals: Sequence[DataPort] = (),
        internal_fbs: Sequence[tuple[str, TypeSource]] = (),
        adapters: Sequence[AdapterSpec] = (),
        **meta: Any,
    ) -> None:
        super().__init__(
            name,
            interface,
            internals=internals,
            internal_fbs=internal_fbs,
            adapters=adapters,
            **meta,
        )
        if not states:
            raise DefinitionError(f"{name}: the ECC has no state")
        self.states = tuple(states)
        self.transitions = tuple(transitions)
        self.algorithms = dict(algorithms)
        self.loop_bound = loop_bound
        events = [ev.name for ev in interface.event_inputs]
        for spec in self.adapters:
            events.extend(f"{spec.name}.{ev}" for ev in spec.event_outputs)
        self.event_functions, self.source = _generate_ecc(self, events, dict(namespace or {}))

    def create(self, name: str) -> FBInstance:
        return BasicInstance(self, name)


class SimpleInstance(_ExecutingInstance):
    rt__type: SimpleType

    def rt__handler(self, event: str) -> Callable[[], Any]:
        self.rt__set_resource_of_internals()
        fn = self.rt__type.event_functions.get(event)
        if fn is None:
            raise EngineError(f"{self.rt__path()} has no event {event!r}")
        return MethodType(fn, self)


class SimpleType(_ExecutingType):
    """A SimpleFB (``kind="simple"``), a Function FB (``"function"``) or a native generic FB.

    On event E: run ``algorithms[E]`` when there is one (a Function gives the same body for every
    event), then send every event output, as FORTE's SimpleFB and Function templates do.
    """

    def __init__(
        self,
        name: str,
        interface: Interface,
        *,
        algorithms: Mapping[str, Algorithm],
        kind: str = "simple",
        internals: Sequence[DataPort] = (),
        internal_fbs: Sequence[tuple[str, TypeSource]] = (),
        **meta: Any,
    ) -> None:
        super().__init__(name, interface, internals=internals, internal_fbs=internal_fbs, **meta)
        self.kind = kind
        self.algorithms = dict(algorithms)
        self.event_functions = _generate_simple(self)

    def create(self, name: str) -> FBInstance:
        return SimpleInstance(self, name)


# --- code generation -------------------------------------------------------------------------


def _loop_fault(fb: FBInstance, bound: int, names: Sequence[str]) -> EccFault:
    seen = " -> ".join(names[-6:])
    return EccFault(
        f"{fb.rt__path()} ({fb.rt__type.name}): the ECC took {bound} eventless transitions "
        f"without stopping (last states: {seen}); stopped"
    )


def _wrap_fault(fb: FBInstance, exc: Exception, event: str = "") -> Exception:
    name = ""
    if isinstance(fb, BasicInstance):
        name = f" in state {fb.rt__state_name()}"
    if event:
        name += f" on event {event}"
    return EccFault(f"{fb.rt__path()} ({fb.rt__type.name}){name}: {type(exc).__name__}: {exc}")


class _Gen:
    def __init__(self, t: BasicType, namespace: dict[str, Any]) -> None:
        self.t = t
        self.ns = namespace
        self.lines: list[str] = []
        self.index = {s.name: i for i, s in enumerate(t.states)}
        self.out: dict[int, list[EccTransition]] = {i: [] for i in range(len(t.states))}
        for tr in t.transitions:
            if tr.source not in self.index:
                raise DefinitionError(f"{t.name}: transition from unknown state {tr.source!r}")
            if tr.destination not in self.index:
                raise DefinitionError(f"{t.name}: transition to unknown state {tr.destination!r}")
            self.out[self.index[tr.source]].append(tr)
        for state in t.states:
            for action in state.actions:
                if action.algorithm and action.algorithm not in t.algorithms:
                    raise DefinitionError(
                        f"{t.name}: state {state.name} runs unknown algorithm {action.algorithm!r}"
                    )
        self.bound_names: dict[int, str] = {}

    def bind(self, obj: Any, hint: str) -> str:
        key = id(obj)
        name = self.bound_names.get(key)
        if name is None:
            name = f"e__{hint}{len(self.bound_names)}"
            self.bound_names[key] = name
            self.ns[name] = obj
        return name

    def emit(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def guard(self, tr: EccTransition) -> str | bool:
        g = tr.guard
        if isinstance(g, bool):
            return g
        if isinstance(g, str):
            return g
        return f"{self.bind(g, 'g')}(fb)"

    def eventless(self, state: int) -> list[EccTransition]:
        return [tr for tr in self.out[state] if tr.event is None and tr.guard is not False]

    def enter(self, indent: int, state: int) -> None:
        self.emit(indent, f"fb.rt__ecc = {state}")
        for action in self.t.states[state].actions:
            if action.algorithm:
                self.emit(indent, f"{self.bind(self.t.algorithms[action.algorithm], 'a')}(fb)")
            if action.output:
                head, dot, tail = action.output.partition(".")
                target = _attr(_attr("fb", head), tail) if dot else _attr("fb", head)
                self.emit(indent, f"{target}()")

    def branches(
        self, indent: int, transitions: list[EccTransition], then: Callable[[int, int], None]
    ) -> None:
        """if/elif over transitions in order; each taken branch ends in ``then``; else return."""
        first = True
        for tr in transitions:
            g = self.guard(tr)
            if g is False:
                continue
            dest = self.index[tr.destination]
            if g is True:
                if first:
                    then(indent, dest)
                    return
                self.emit(indent, "else:")
                then(indent + 1, dest)
                return
            self.emit(indent, f"{'if' if first else 'elif'} {g}:")
            then(indent + 1, dest)
            first = False
        if first:
            self.emit(indent, "return")
        else:
            self.emit(indent, "else:")
            self.emit(indent + 1, "return")

    def chain(self, indent: int, state: int, path: tuple[int, ...]) -> None:
        """Enter ``state``, then keep taking eventless transitions (inlined up to a depth)."""
        self.enter(indent, state)
        following = self.eventless(state)
        if not following:
            self.emit(indent, "return")
            return
        if state in path or len(path) >= _INLINE_DEPTH:
            self.emit(indent, f"return e__loop(fb, {state})")
            return
        self.branches(indent, following, lambda i, d: self.chain(i, d, (*path, state)))

    def event_function(self, event: str) -> str:
        self.lines = []
        self.emit(0, "def f__(fb):")
        self.emit(1, "try:")
        self.emit(2, "s = fb.rt__ecc")
        first = True
        for state in range(len(self.t.states)):
            candidates = [
                tr
                for tr in self.out[state]
                if (tr.event is None or tr.event == event) and tr.guard is not False
            ]
            if not candidates:
                continue
            self.emit(2, f"{'if' if first else 'elif'} s == {state}:")
            first = False
            self.branches(3, candidates, lambda i, d: self.chain(i, d, ()))
        self.emit(2, "return")
        # A fault ends this event's run and puts the ECC back where the event found it, so
        # the next event is handled from there (see the module docstring).
        self.emit(1, "except e__passthrough:")
        self.emit(2, "fb.rt__ecc = s")
        self.emit(2, "raise")
        self.emit(1, "except Exception as e__:")
        self.emit(2, f"e__w = e__wrap(fb, e__, {event!r})")
        self.emit(2, "fb.rt__ecc = s")
        self.emit(2, "raise e__w from e__")
        return "\n".join(self.lines)

    def loop_function(self) -> str:
        self.lines = []
        self.emit(0, "def e__loop(fb, s):")
        self.emit(1, "n = 0")
        self.emit(1, "trail = []")
        self.emit(1, "while True:")
        self.emit(2, "n += 1")
        self.emit(2, "trail.append(e__names[s])")
        self.emit(2, "if n > e__bound:")
        self.emit(3, "raise e__loopfault(fb, e__bound, trail)")
        first = True
        for state in range(len(self.t.states)):
            following = self.eventless(state)
            if not following:
                continue
            self.emit(2, f"{'if' if first else 'elif'} s == {state}:")
            first = False

            def step(i: int, d: int) -> None:
                self.enter(i, d)
                self.emit(i, f"s = {d}")
                self.emit(i, "continue")

            self.branches(3, following, step)
        self.emit(2, "return")
        return "\n".join(self.lines)


_PASSTHROUGH: tuple[type[BaseException], ...] = (EccFault, WatchdogExpired)


def register_passthrough(exc: type[BaseException]) -> None:
    """Exceptions that already say where they happened (e.g. compiled ST runtime errors)
    and must reach the resource unchanged rather than wrapped with the ECC state."""
    global _PASSTHROUGH
    if exc not in _PASSTHROUGH:
        _PASSTHROUGH = (*_PASSTHROUGH, exc)


def _generate_ecc(
    t: BasicType, events: Sequence[str], namespace: dict[str, Any]
) -> tuple[dict[str, Callable[[Any], None]], str]:
    gen = _Gen(t, namespace)
    namespace.update(
        e__passthrough=_PASSTHROUGH,
        e__wrap=_wrap_fault,
        e__loopfault=_loop_fault,
        e__bound=t.loop_bound,
        e__names=[s.name for s in t.states],
    )
    namespace.setdefault("__builtins__", __builtins__)
    sources = [gen.loop_function()]
    functions: dict[str, Callable[[Any], None]] = {}
    filename = f"<ecc {t.name}>"
    loop_code = compile(sources[0], filename + " loop", "exec")
    exec(loop_code, namespace)
    for event in events:
        source = gen.event_function(event)
        sources.append(source)
        local: dict[str, Any] = {}
        exec(compile(source, f"{filename} {event}", "exec"), namespace, local)
        fn = local["f__"]
        fn.__name__ = f"on_{event}"
        fn.__qualname__ = f"{t.name}.on_{event}"
        functions[event] = fn
    return functions, "\n\n".join(sources)


def _generate_simple(t: SimpleType) -> dict[str, Callable[[Any], None]]:
    namespace: dict[str, Any] = {"__builtins__": __builtins__, "e__wrap": _wrap_fault}
    namespace["e__passthrough"] = _PASSTHROUGH
    functions: dict[str, Callable[[Any], None]] = {}
    outputs = [ev.name for ev in t.interface.event_outputs]
    for i, ev in enumerate(t.interface.event_inputs):
        lines = ["def f__(fb):", "    try:"]
        algorithm = t.algorithms.get(ev.name)
        if algorithm is not None:
            name = f"e__a{i}"
            namespace[name] = algorithm
            lines.append(f"        {name}(fb)")
        lines.extend(f"        {_attr('fb', out)}()" for out in outputs)
        lines.append("        return")
        lines.extend(
            [
                "    except e__passthrough:",
                "        raise",
                "    except Exception as e__:",
                f"        raise e__wrap(fb, e__, {ev.name!r}) from e__",
            ]
        )
        local: dict[str, Any] = {}
        exec(compile("\n".join(lines), f"<simple {t.name} {ev.name}>", "exec"), namespace, local)
        fn = local["f__"]
        fn.__name__ = f"on_{ev.name}"
        functions[ev.name] = fn
    return functions
