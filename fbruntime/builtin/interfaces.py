"""The compact interface notation of :mod:`fbruntime.builtin.facts`, read into core interfaces.

``EVENT_INPUTS > EVENT_OUTPUTS ; DATA_INPUTS > DATA_OUTPUTS [; socket NAME:TYPE | plug NAME:TYPE]``
with events as ``NAME`` or ``NAME(PIN,PIN)`` and data pins as ``NAME:TYPE``. Parsing is cheap and
done only for the types actually used; a malformed entry is a bug in the table and raises.
"""

from __future__ import annotations

import re
from functools import cache

from fbruntime import iec
from fbruntime.builtin import facts
from fbruntime.core.interface import AdapterPort, DataPort, EventPort, Interface

__all__ = ["conversion_types", "interface_of", "packing_interface", "parse_interface"]

_EVENT = re.compile(r"^([A-Za-z_]\w*)(?:\(([\w,]*)\))?$")


def _type(name: str) -> iec.IecType:
    found = iec.find_generic(name)
    return found if found is not None else iec.elementary(name)


def _events(text: str) -> tuple[EventPort, ...]:
    ports = []
    for token in text.split():
        m = _EVENT.match(token)
        if m is None:
            raise ValueError(f"bad event {token!r} in {text!r}")
        with_ = tuple(p for p in (m.group(2) or "").split(",") if p)
        ports.append(EventPort(m.group(1), with_))
    return tuple(ports)


def _data(text: str) -> tuple[DataPort, ...]:
    ports = []
    for token in text.split():
        name, _, type_name = token.partition(":")
        ports.append(DataPort(name, _type(type_name)))
    return tuple(ports)


def parse_interface(spec: str) -> Interface:
    """The interface an entry of the facts table describes."""
    events, data, *adapters = (part.strip() for part in spec.split(";"))
    ins, outs = events.split(">")
    data_in, data_out = data.split(">")
    sockets: list[AdapterPort] = []
    plugs: list[AdapterPort] = []
    for decl in adapters:
        kind, _, rest = decl.partition(" ")
        name, _, type_name = rest.strip().partition(":")
        (sockets if kind == "socket" else plugs).append(AdapterPort(name, type_name))
    return Interface(
        event_inputs=_events(ins),
        event_outputs=_events(outs),
        data_inputs=_data(data_in),
        data_outputs=_data(data_out),
        sockets=tuple(sockets),
        plugs=tuple(plugs),
    )


@cache
def interface_of(name: str) -> Interface:
    """The interface of the fixed-interface built-in ``name`` (a key of ``facts.INTERFACES``)."""
    return parse_interface(facts.INTERFACES[name])


@cache
def conversion_types() -> dict[str, tuple[str, str]]:
    """Every conversion function by name: ``F_INT_TO_REAL`` -> (``INT``, ``REAL``)."""
    found: dict[str, tuple[str, str]] = {}
    abbreviations = facts.TYPE_ABBREVIATIONS
    for source, rests in facts.CONVERSIONS.items():
        for rest in rests.split():
            target = rest.rsplit("_", 1)[-1]
            found[f"F_{source}_{rest}"] = (
                abbreviations.get(source, source),
                abbreviations.get(target, target),
            )
    return found


def packing_interface(name: str) -> Interface:
    """ASSEMBLE_*: the parts in, the whole out; SPLIT_*: the whole in, the parts out."""
    whole, prefix, part, count = facts.PACKINGS[name]
    parts = [f"{prefix}_{i:02d}" for i in range(count)]
    part_spec = " ".join(f"{p}:{part}" for p in parts)
    if name.startswith("ASSEMBLE_"):
        return parse_interface(f"REQ({','.join(parts)}) > CNF(OUT) ; {part_spec} > OUT:{whole}")
    return parse_interface(f"REQ(IN) > CNF({','.join(parts)}) ; IN:{whole} > {part_spec}")
