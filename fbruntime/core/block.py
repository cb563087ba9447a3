"""Blocks written in Python: a small class is a function block type.

::

    class Scale(Block):
        name = "Scale"
        version = "1.0"
        description = "Multiplies IN by the GAIN parameter"

        REQ = EventInput(with_=("IN",))      # a data input: its arrival runs the block
        CNF = EventOutput(with_=("OUT",))
        IN = DataInput("REAL")
        GAIN = Parameter("REAL", 1.0)        # set, never runs the block
        OUT = DataOutput("REAL")

        def on_REQ(self) -> None:            # plain: runs inline, fast
            self.OUT = self.IN * self.GAIN
            self.CNF()

An ``async def on_X`` handler runs as a task (it may await ``self.sleep`` or I/O); what it emits
joins the resource's FIFO when it happens. Each run sees the WITH inputs its own event brought,
whatever events arrive while it waits: the pins hold a run's inputs exactly while that run
executes (:mod:`fbruntime.core.asyncrun`). ``max_concurrency`` (default 1) is how many runs may
wait at once; their outputs still leave in event order. Set outputs and emit them in the same step
(no ``await`` between): outputs are the block's shared state.
The class itself is usable as a type anywhere a type is expected (``Scale.fbtype``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from fbruntime.core.asyncrun import in_run
from fbruntime.core.errors import DefinitionError
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import DataPort, EventPort, Interface
from fbruntime.iec import IecType, lookup_type

__all__ = [
    "Block",
    "BlockType",
    "DataInput",
    "DataOutput",
    "EventInput",
    "EventOutput",
    "Parameter",
]


class _Port:
    """A pin declaration. It leaves the class when the class is made (see Block)."""

    _counter = 0

    if TYPE_CHECKING:
        # For type checkers only: on an instance a pin reads as its value and an event output
        # as its emitter, so ``self.CV = 1`` and ``self.CO()`` type-check under --strict.
        def __get__(self, instance: object, owner: type | None = None) -> Any: ...

        def __set__(self, instance: object, value: Any) -> None: ...

    def __init__(self, comment: str = "") -> None:
        self.comment = comment
        self.name = ""
        _Port._counter += 1
        self.order = _Port._counter

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


class EventInput(_Port):
    """An event input; ``type_name`` is its IEC 61499 event type (``EInit``...), default Event."""

    def __init__(
        self, with_: tuple[str, ...] | list[str] = (), comment: str = "", type_name: str = "Event"
    ) -> None:
        super().__init__(comment)
        self.with_ = tuple(with_)
        self.type_name = type_name


class EventOutput(EventInput):
    pass


class _DataPort(_Port):
    def __init__(self, type: str | IecType, initial: Any = None, comment: str = "") -> None:
        super().__init__(comment)
        self.type = lookup_type(type) if isinstance(type, str) else type
        self.initial = None if initial is None else self.type.coerce(initial)


class DataInput(_DataPort):
    """A data input; it is a *data input* in the client's sense when some event is WITH it."""


class Parameter(DataInput):
    """A data input that no event samples: setting it configures the block, never runs it."""


class DataOutput(_DataPort):
    pass


class BlockType(FBType):
    """The FBType view of a Block subclass."""

    kind = "python"

    def __init__(self, cls: type[Block], interface: Interface) -> None:
        super().__init__(
            cls.name,
            interface,
            version=cls.version,
            description=cls.description,
            origin=getattr(inspect.getmodule(cls), "__file__", "") or "",
        )
        self.cls = cls

    def create(self, name: str) -> FBInstance:
        return self.cls(name)


_RESERVED = {
    "name",
    "version",
    "description",
    "fbtype",
    "max_concurrency",
    "path",
    "instance_name",
    "clock",
    "sleep",
    "post",
    "emit",
    "on_event",
    "on_start",
    "on_stop",
    "on_reset",
    "setup",
}


class Block(FBInstance):
    """Base class of blocks written in Python. See the module docstring."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1.0"
    description: ClassVar[str] = ""
    max_concurrency: ClassVar[int] = 1
    fbtype: ClassVar[BlockType]
    _handlers: ClassVar[dict[str, tuple[str, bool]]]
    _ports: ClassVar[dict[str, _Port]] = {}
    _any_async: ClassVar[bool] = False
    rt__ready = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ or not cls.__dict__["name"]:
            cls.name = cls.__name__
        ports: dict[str, _Port] = {}
        for klass in reversed(cls.__mro__[1:]):
            ports.update(getattr(klass, "_ports", {}))
        own = {a: v for a, v in vars(cls).items() if isinstance(v, _Port)}
        ports.update(own)
        # The declarations leave the class: a class attribute shadowed by the instance value
        # defeats CPython's attribute specialisation and costs ~60% on every pin access.
        for attr in own:
            delattr(cls, attr)
        cls._ports = ports
        ordered = sorted(ports.items(), key=lambda kv: kv[1].order)
        for pin, _ in ordered:
            if pin in _RESERVED or "__" in pin or hasattr(Block, pin) or pin.startswith("on_"):
                raise DefinitionError(
                    f"block {cls.name}: pin name {pin!r} is reserved by the Block class; rename it"
                )

        def ev(kind: type[_Port]) -> tuple[EventPort, ...]:
            return tuple(
                EventPort(n, p.with_, p.comment, p.type_name)  # type: ignore[attr-defined]
                for n, p in ordered
                if type(p) is kind
            )

        def data(*kinds: type[_Port]) -> tuple[DataPort, ...]:
            return tuple(
                DataPort(n, p.type, p.initial, p.comment)  # type: ignore[attr-defined]
                for n, p in ordered
                if type(p) in kinds
            )

        interface = Interface(
            event_inputs=ev(EventInput),
            event_outputs=ev(EventOutput),
            data_inputs=data(DataInput, Parameter),
            data_outputs=data(DataOutput),
        )
        for port in interface.data_inputs:
            if isinstance(ports[port.name], Parameter) and any(
                port.name in e.with_ for e in interface.event_inputs
            ):
                raise DefinitionError(
                    f"block {cls.name}: {port.name} is a Parameter but event "
                    "inputs are WITH it; declare it as DataInput"
                )
        handlers: dict[str, tuple[str, bool]] = {}
        generic = getattr(cls, "on_event", None)
        for e in interface.event_inputs:
            fn = getattr(cls, f"on_{e.name}", None)
            if fn is not None:
                handlers[e.name] = (f"on_{e.name}", inspect.iscoroutinefunction(fn))
            elif generic is not None:
                handlers[e.name] = ("on_event", inspect.iscoroutinefunction(generic))
            else:
                raise DefinitionError(
                    f"block {cls.name}: event input {e.name} has no handler; "
                    f"define on_{e.name}(self) or on_event(self, event)"
                )
        cls._handlers = handlers
        cls._any_async = any(is_async for _, is_async in handlers.values())
        cls.fbtype = BlockType(cls, interface)

    def __init__(self, instance_name: str = "") -> None:
        super().__init__(self.fbtype, instance_name or self.name)
        self.rt__ready = True
        self.setup()

    # -- for block authors -----------------------------------------------------------------

    def setup(self) -> None:
        """Create internal state here; it runs at creation and again after each reset."""

    def on_start(self, warm: bool) -> None:
        """The resource started (COLD when ``warm`` is false)."""

    def on_stop(self) -> None:
        """The resource is stopping."""

    @property
    def instance_name(self) -> str:
        return self.rt__name

    @property
    def path(self) -> str:
        return self.rt__path()

    @property
    def clock(self) -> Any:
        return self.rt__clock()

    async def sleep(self, seconds: float) -> None:
        """Wait on the resource's clock (a test clock in tests)."""
        clock = self.rt__clock()
        res = self.rt__resource
        if res is None or not getattr(clock, "virtual", False) or not in_run.get():
            await clock.sleep(round(seconds * 1_000_000_000))
            return
        # On a test clock this run cannot move until the test advances time: settle() must
        # not wait for it.
        res.async_run_parked(1)
        try:
            await clock.sleep(round(seconds * 1_000_000_000))
        finally:
            res.async_run_parked(-1)

    def emit(self, event: str) -> None:
        """Send an output event by name (handlers usually call ``self.EO()`` directly)."""
        if self.rt__type.interface.event_output(event) is None:
            raise DefinitionError(f"{self.rt__path()} has no event output {event!r}")
        getattr(self, event)()

    def post(self, callback: Callable[[], Any]) -> None:
        """Run ``callback`` in the resource's FIFO as an external event (timers, I/O)."""
        res = self.rt__resource
        if res is not None:
            res.post(callback)

    # -- runtime hooks ----------------------------------------------------------------------

    def rt__handler(self, event: str) -> Callable[[], Any]:
        attr, _ = self._handlers[event]
        method = getattr(self, attr)
        if attr == "on_event":
            return lambda: method(event)
        return method  # type: ignore[no-any-return]

    def rt__is_async(self, event: str) -> bool:
        return self._handlers[event][1]

    def rt__reset_internals(self) -> None:
        # (Never touch self.__dict__ on an instance: materialising it turns off CPython's
        # inline attribute values and slows every pin access by a third.)
        if self.rt__ready:
            self.setup()

    def rt__any_async(self) -> bool:
        return self._any_async

    def rt__on_start(self, warm: bool) -> None:
        self.on_start(warm)

    def rt__on_stop(self) -> None:
        self.on_stop()

    def rt__on_kill(self) -> None:
        tasks = self.rt__tasks
        if tasks:
            for task in list(tasks):
                task.cancel()
            tasks.clear()
        runs = getattr(self, "rt__async_state", None)
        if runs is not None:
            runs.drop()
