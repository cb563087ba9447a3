"""Composite blocks (the client's "templates"): an interface around an inner network.

A composite stays a runtime object, as in FORTE (``cfb.cpp``): an event crossing its boundary
costs one extra hop through the FIFO, and its inner pins stay addressable by dotted path
(``Line.Filter.Gain``) for reading, writing and watching. Parameters come from inside (the
defaults given to inner blocks in the definition) and from outside (written on the instance or on
an inner path); the outside wins, after a reset too.

Inner blocks may be named by text (``b.add("A", "Gain")``): the Loader that loads the template
resolves the name, through its folders and its database (:mod:`fbruntime.core.typeref`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from fbruntime.core.errors import DefinitionError, NetworkError
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import DataPort, EventPort, Interface
from fbruntime.core.network import Network, TypeLike, as_fbtype
from fbruntime.core.typeref import NamedType
from fbruntime.iec import IecType, lookup_type

__all__ = ["CompositeBuilder", "CompositeInstance", "CompositeType", "InnerBlock"]

TypeRef = TypeLike | Callable[[], FBType]


@dataclass
class InnerBlock:
    name: str
    type: TypeRef
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.type, str):
            self.type = NamedType(self.type)

    def resolve(self) -> FBType:
        t = self.type
        if isinstance(t, FBType | type):
            return as_fbtype(t)
        assert not isinstance(t, str)
        return t()


class CompositeType(FBType):
    kind = "composite"
    # Built in Python or from JSON: a data input inside may take several sources (see
    # fbruntime.core.network). Composites read from 4diac files keep FORTE's single source.
    data_fan_in = True

    def __init__(
        self,
        name: str,
        interface: Interface,
        blocks: Sequence[InnerBlock],
        connections: Sequence[tuple[str, str]],
        **meta: Any,
    ) -> None:
        super().__init__(name, interface, **meta)
        self.blocks = list(blocks)
        self.connections = list(connections)

    def inner_types(self) -> tuple[FBType, ...]:
        return tuple(b.resolve() for b in self.blocks)

    def check(self) -> None:
        """Refuse a composite that contains itself, naming the path; then build one to check."""
        _check_cycles(self, [])
        self.create("check")

    def create(self, name: str) -> FBInstance:
        return CompositeInstance(self, name)


def _check_cycles(t: FBType, path: list[str]) -> None:
    if t.name in path:
        cycle = " -> ".join([*path[path.index(t.name) :], t.name])
        raise DefinitionError(f"composite {path[0]} contains itself: {cycle}")
    path.append(t.name)
    for inner in t.inner_types():
        _check_cycles(inner, path)
    path.pop()


class CompositeInstance(FBInstance):
    """An instance of a composite: its own pins plus an inner network."""

    rt__type: CompositeType

    def __init__(self, fbtype: CompositeType, name: str) -> None:
        super().__init__(fbtype, name)
        net = Network(owner=self, interface=fbtype.interface, data_fan_in=fbtype.data_fan_in)
        self.rt__network = net
        depth_guard = getattr(fbtype, "_creating", False)
        if depth_guard:
            raise DefinitionError(f"composite {fbtype.name} contains itself")
        fbtype._creating = True  # type: ignore[attr-defined]
        try:
            for b in fbtype.blocks:
                net.add(b.name, b.resolve())
                for pin, value in b.params.items():
                    net.set_parameter(f"{b.name}.{pin}", value)
            for src, dst in fbtype.connections:
                net.connect(src, dst)
        finally:
            fbtype._creating = False  # type: ignore[attr-defined]
        self._bind_parameters()
        # Internal dest lists per interface event input, filled by the linker.
        self.rt__inner_dests: dict[str, list[Callable[[], Any]]] = {}
        # Entries for internal-to-interface events (the extra hop), built by the linker.
        self.rt__output_entries: dict[str, Callable[[], Any]] = {}

    def _parameter_bindings(self) -> list[tuple[str, FBInstance, str, Any]]:
        """Composite parameters wired to inner parameters.

        In FORTE a connection into a data input that no event samples is inert. For a template
        that is exactly how a user says "this inner setting comes from my parameter", so such a
        connection binds: the composite's value is written through to the inner pin whenever it
        is set, and after a reset.
        """
        itf = self.rt__type.interface
        own_params = set(itf.parameter_names())
        bindings = []
        for c in self.rt__network.data_connections:
            if c.src_fb is None and c.src_pin in own_params and c.dst_fb is not None:
                inner_itf = c.dst_fb.rt__type.interface
                if c.dst_pin in inner_itf.parameter_names():
                    bindings.append((c.src_pin, c.dst_fb, c.dst_pin, c.convert))
        return bindings

    def _bind_parameters(self, only: str | None = None) -> None:
        for src, fb, pin, convert in self._parameter_bindings():
            if only is None or src == only:
                value = getattr(self, src)
                fb.rt__set_param(pin, convert(value) if convert else value)

    def rt__set_param(self, pin: str, value: Any) -> None:
        super().rt__set_param(pin, value)
        if hasattr(self, "rt__network"):
            self._bind_parameters(pin)

    def rt__reset_values(self) -> None:
        super().rt__reset_values()
        if hasattr(self, "rt__network"):
            self._bind_parameters()

    def rt__handler(self, event: str) -> Callable[[], Any]:
        dests = self.rt__inner_dests.get(event)
        if dests is None:
            raise NetworkError(f"{self.rt__path()} is not linked")
        res = self.rt__resource
        if res is None:
            raise NetworkError(f"{self.rt__path()} is not in a resource")
        return partial(res.queue.extend, dests)

    def rt__invoke(self, event: str | None = None) -> None:
        raise NetworkError(f"{self.rt__path()}: a composite cannot be invoked inline")


class CompositeBuilder:
    """Build a composite type in Python::

    b = CompositeBuilder("Line", version="1.0", description="filter then scale")
    b.event_input("REQ", with_=["X"]); b.event_output("CNF", with_=["Y"])
    b.data_input("X", "REAL"); b.parameter("GAIN", "REAL", 2.0); b.data_output("Y", "REAL")
    b.add("Filter", Filter, K=0.5)
    b.connect("REQ", "Filter.REQ"); b.connect("X", "Filter.IN"); ...
    Line = b.build()
    """

    def __init__(self, name: str, *, version: str = "1.0", description: str = "") -> None:
        self.name = name
        self.meta = {"version": version, "description": description}
        self._ei: list[EventPort] = []
        self._eo: list[EventPort] = []
        self._di: list[DataPort] = []
        self._do: list[DataPort] = []
        self._blocks: list[InnerBlock] = []
        self._connections: list[tuple[str, str]] = []

    def event_input(self, name: str, with_: Sequence[str] = (), comment: str = "") -> None:
        self._ei.append(EventPort(name, tuple(with_), comment))

    def event_output(self, name: str, with_: Sequence[str] = (), comment: str = "") -> None:
        self._eo.append(EventPort(name, tuple(with_), comment))

    def data_input(
        self, name: str, type: str | IecType, initial: Any = None, comment: str = ""
    ) -> None:
        t = lookup_type(type) if isinstance(type, str) else type
        self._di.append(DataPort(name, t, None if initial is None else t.coerce(initial), comment))

    parameter = data_input

    def data_output(
        self, name: str, type: str | IecType, initial: Any = None, comment: str = ""
    ) -> None:
        t = lookup_type(type) if isinstance(type, str) else type
        self._do.append(DataPort(name, t, None if initial is None else t.coerce(initial), comment))

    def add(self, name: str, fbtype: TypeRef, /, **params: Any) -> None:
        """An inner block: a Block class, a type, or a type's name (``"E_CTU"``, resolved by
        the Loader that loads this template; see the module docstring)."""
        self._blocks.append(InnerBlock(name, fbtype, params))

    def connect(self, source: str, destination: str) -> None:
        self._connections.append((source, destination))

    def build(self) -> CompositeType:
        interface = Interface(
            event_inputs=tuple(self._ei),
            event_outputs=tuple(self._eo),
            data_inputs=tuple(self._di),
            data_outputs=tuple(self._do),
        )
        ct = CompositeType(self.name, interface, self._blocks, self._connections, **self.meta)
        ct.check()
        return ct
