"""The interface of a function block type: its event and data pins and the WITH associations.

Every kind of block (Python, Basic/Simple from XML, composite, service) shares this one
description, so the network, the dispatcher, the importer and the management protocol all speak
of pins the same way. It is validated once, when the type is made; nothing here runs per event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from fbruntime.core.errors import DefinitionError
from fbruntime.iec import IecType

__all__ = ["AdapterPort", "DataPort", "EventPort", "Interface"]


@dataclass(frozen=True, slots=True)
class EventPort:
    """An event pin; ``with_`` names the data pins sampled (inputs) or sent (outputs) with it."""

    name: str
    with_: tuple[str, ...] = ()
    comment: str = ""
    type_name: str = "Event"


def check_name(name: str, what: str) -> None:
    """Refuse a pin or variable name that would reach Python's own attributes (``__class__``,
    ``__dict__``) or the runtime's (``rt__...``): IEC 61131-3 forbids two underscores in a row."""
    if "__" in name:
        raise DefinitionError(
            f"{what} {name!r}: two underscores in a row are not allowed in a name "
            "(IEC 61131-3; such names are reserved for Python and the runtime)"
        )


@dataclass(frozen=True, slots=True)
class DataPort:
    """A data pin with its IEC type and initial value (already in the type's representation)."""

    name: str
    type: IecType
    initial: Any = None
    comment: str = ""

    def initial_value(self) -> Any:
        if self.initial is None:
            return self.type.default()
        return self.type.copy(self.initial)


@dataclass(frozen=True, slots=True)
class AdapterPort:
    """A plug or socket; its type is the adapter type's name (resolved by the importer)."""

    name: str
    type_name: str
    comment: str = ""


@dataclass(frozen=True)
class Interface:
    event_inputs: tuple[EventPort, ...] = ()
    event_outputs: tuple[EventPort, ...] = ()
    data_inputs: tuple[DataPort, ...] = ()
    data_outputs: tuple[DataPort, ...] = ()
    inouts: tuple[DataPort, ...] = ()
    sockets: tuple[AdapterPort, ...] = ()
    plugs: tuple[AdapterPort, ...] = ()
    _index: dict[str, tuple[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._index
        groups: Sequence[tuple[str, Iterable[Any]]] = (
            ("event_input", self.event_inputs),
            ("event_output", self.event_outputs),
            ("data_input", self.data_inputs),
            ("data_output", self.data_outputs),
            ("inout", self.inouts),
            ("socket", self.sockets),
            ("plug", self.plugs),
        )
        for kind, ports in groups:
            for port in ports:
                check_name(port.name, "pin")
                if port.name in index:
                    raise DefinitionError(f"pin {port.name!r} is declared twice")
                index[port.name] = (kind, port)

    def validate(self, type_name: str) -> None:
        """Check the WITH lists point at data pins of the right direction."""
        inputs = {p.name for p in self.data_inputs} | {p.name for p in self.inouts}
        outputs = {p.name for p in self.data_outputs} | {p.name for p in self.inouts}
        for ev in self.event_inputs:
            for var in ev.with_:
                if var and var not in inputs:
                    raise DefinitionError(
                        f"{type_name}: event input {ev.name} is WITH {var!r}, "
                        "which is not a data input"
                    )
        for ev in self.event_outputs:
            for var in ev.with_:
                if var and var not in outputs:
                    raise DefinitionError(
                        f"{type_name}: event output {ev.name} is WITH {var!r}, "
                        "which is not a data output"
                    )

    def kind_of(self, pin: str) -> str | None:
        """``event_input``, ``event_output``, ``data_input``, ``data_output``, ``inout``, ... or None."""
        found = self._index.get(pin)
        return found[0] if found else None

    def port(self, pin: str) -> Any:
        found = self._index.get(pin)
        return found[1] if found else None

    def event_input(self, name: str) -> EventPort | None:
        found = self._index.get(name)
        return found[1] if found and found[0] == "event_input" else None

    def event_output(self, name: str) -> EventPort | None:
        found = self._index.get(name)
        return found[1] if found and found[0] == "event_output" else None

    def data_port(self, name: str) -> DataPort | None:
        found = self._index.get(name)
        if found and found[0] in ("data_input", "data_output", "inout"):
            return found[1]  # type: ignore[no-any-return]
        return None

    def data_ports(self) -> Iterator[DataPort]:
        yield from self.data_inputs
        yield from self.data_outputs
        yield from self.inouts

    def parameter_names(self) -> tuple[str, ...]:
        """Data inputs that no event samples: they are set, never connected in a useful way."""
        sampled = {v for ev in self.event_inputs for v in ev.with_}
        return tuple(p.name for p in self.data_inputs if p.name not in sampled)

    @property
    def pin_names(self) -> tuple[str, ...]:
        return tuple(self._index)
