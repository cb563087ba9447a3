"""STRUCT_MUX and STRUCT_DEMUX: one input (or output) pin per member of a configured struct.

The 4diac ``convert`` library declares them with one ``ANY_STRUCT`` pin; FORTE's
``GEN_STRUCT_MUX``/``GEN_STRUCT_DEMUX`` build the real interface from the struct the instance is
configured with. The IDE stores that struct on the FB instance as a ``StructuredType`` (or
``DataType``) attribute and deploys the instance as ``STRUCT_MUX_1<struct>``. Here
:func:`struct_fb_type` builds the runnable type for one struct (called by
:class:`~fbruntime.fourdiac.generic.GenericFBType` when it is configured or when a connection
types the struct pin), and :func:`configured_struct_name` reads FORTE's deployed names.

STRUCT_MUX on its event: OUT := a new struct from the member inputs, then CNF (which carries
OUT). STRUCT_DEMUX: every member output := IN's member, then CNF (which carries them all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fbruntime import iec
from fbruntime.core.ecc import SimpleType
from fbruntime.core.interface import DataPort, EventPort, Interface

OPERATIONS = frozenset({"STRUCT_MUX", "STRUCT_DEMUX"})
"""The operation names this module builds types for."""

STRUCT_PIN = {"STRUCT_MUX": "OUT", "STRUCT_DEMUX": "IN"}
"""The declared ANY_STRUCT pin of each: the one whose type configures the FB."""

_DEPLOYED = re.compile(r"^(?:.*::)?(STRUCT_(?:DE)?MUX)_\d(.+)$", re.IGNORECASE)


def configured_struct_name(type_name: str) -> tuple[str, str] | None:
    """``STRUCT_MUX_1Point`` -> (``STRUCT_MUX``, ``Point``); None for any other name.

    FORTE's ``GEN_STRUCT_MUX::getStructNameId`` takes what follows the second ``_`` and one
    more character (the configuration count), which is what this matches.
    """
    match = _DEPLOYED.match(type_name.strip())
    if match is None:
        return None
    return match.group(1).upper(), match.group(2)


def _events(
    ports: tuple[EventPort, ...], fallback: str, with_: tuple[str, ...]
) -> tuple[EventPort, ...]:
    if not ports:
        return (EventPort(fallback, with_),)
    return tuple(EventPort(e.name, with_, e.comment, e.type_name) for e in ports)


def struct_fb_type(
    name: str, declared: Interface, op_name: str, struct: iec.StructType, **meta: Any
) -> SimpleType:
    """The runnable STRUCT_MUX (or STRUCT_DEMUX) ``name`` for ``struct``.

    Event names and comments come from the declared interface; the data pins are the members
    (in declaration order, with their initial values) plus the struct pin.
    """
    members = tuple(DataPort(n, t, init) for n, t, init in struct.members)
    names = tuple(n for n, _, _ in struct.members)
    pin = STRUCT_PIN[op_name]
    declared_pin = declared.data_port(pin)
    comment = declared_pin.comment if declared_pin is not None else ""
    struct_port = DataPort(pin, struct, None, comment)
    algorithm: Callable[[Any], None]
    if op_name == "STRUCT_MUX":
        interface = Interface(
            event_inputs=_events(declared.event_inputs, "REQ", names),
            event_outputs=_events(declared.event_outputs, "CNF", (pin,)),
            data_inputs=members,
            data_outputs=(struct_port,),
        )
        copiers = [(n, t.copy) for n, t, _ in struct.members]
        value_class = struct.value_class

        def mux(fb: Any) -> None:
            value = object.__new__(value_class)
            for member, copy in copiers:
                setattr(value, member, copy(getattr(fb, member)))
            setattr(fb, pin, value)

        algorithm = mux
    else:
        interface = Interface(
            event_inputs=_events(declared.event_inputs, "REQ", (pin,)),
            event_outputs=_events(declared.event_outputs, "CNF", names),
            data_inputs=(struct_port,),
            data_outputs=members,
        )
        copiers = [(n, t.copy) for n, t, _ in struct.members]

        def demux(fb: Any) -> None:
            value = getattr(fb, pin)
            if value is None:
                return
            for member, copy in copiers:
                setattr(fb, member, copy(getattr(value, member)))

        algorithm = demux
    algorithms = {e.name: algorithm for e in interface.event_inputs}
    return SimpleType(name, interface, algorithms=algorithms, kind="generic", **meta)
