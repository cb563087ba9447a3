"""How the 4diac editor drew a system: where each FB and subapp stands (the files' ``x``/``y``),
each subapp's own pins, and the connections as drawn, ending on subapp pins.

Deploying flattens subapps away (``App.Sub.FB``) and joins connections to the real pins; the
engine needs no more. People looking at a running system want the picture they drew, so
:func:`system_drawings` keeps it, one :class:`Drawing` per resource, and the loader hangs each
beside its resource's network (:func:`attach`, :func:`drawing_of`; a weak map, so the core
network carries nothing it does not use). The web page reads it; nothing else does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from fbruntime.fourdiac.model import Interface
    from fbruntime.fourdiac.sysgraph import SystemGraph

__all__ = [
    "Drawing",
    "DrawnConnection",
    "SubappPins",
    "attach",
    "drawing_of",
    "subapp_pins",
    "system_drawings",
]


@dataclass(frozen=True, slots=True)
class SubappPins:
    """A subapp's own interface: event pin names, data pins as (name, type)."""

    event_inputs: tuple[str, ...] = ()
    event_outputs: tuple[str, ...] = ()
    data_inputs: tuple[tuple[str, str], ...] = ()
    data_outputs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DrawnConnection:
    """A connection inside ``container`` (``""``, an application, or a subapp path) as drawn.

    Each end is (element path, pin); an end whose path is the container itself is one of the
    container's own pins (a subapp's boundary pin, seen from inside).
    """

    kind: str
    container: str
    source: tuple[str, str]
    destination: tuple[str, str]


@dataclass(frozen=True, slots=True)
class Drawing:
    positions: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    subapps: Mapping[str, SubappPins] = field(default_factory=dict)
    connections: tuple[DrawnConnection, ...] = ()


_DRAWINGS: WeakKeyDictionary[Any, Drawing] = WeakKeyDictionary()


def attach(owner: Any, drawing: Drawing) -> None:
    """Keep ``drawing`` beside ``owner`` (a core Network) for as long as the owner lives."""
    _DRAWINGS[owner] = drawing


def drawing_of(owner: Any) -> Drawing | None:
    return _DRAWINGS.get(owner)


def subapp_pins(interface: Interface | None) -> SubappPins:
    if interface is None:
        return SubappPins()
    return SubappPins(
        tuple(e.name for e in interface.event_inputs),
        tuple(e.name for e in interface.event_outputs),
        tuple((v.name, v.type_name) for v in (*interface.inputs, *interface.in_outs)),
        tuple((v.name, v.type_name) for v in (*interface.outputs, *interface.in_outs)),
    )


def system_drawings(graph: SystemGraph, scopes: list[str]) -> dict[str, Drawing]:
    """One drawing per resource scope (``Dev.Res``): the applications' elements and its own."""
    out: dict[str, Drawing] = {}
    for scope in scopes:
        mine = ("", scope)
        positions: dict[str, tuple[float, float]] = {}
        for (where, path), fb in graph.fbs.items():
            x, y = fb.instance.x, fb.instance.y
            if where in mine and x is not None and y is not None:
                positions[path] = (x, y)
        subapps: dict[str, SubappPins] = {}
        for (where, path), junction in graph.junctions.items():
            if where not in mine:
                continue
            subapps[path] = subapp_pins(junction.interface)
            x, y = junction.instance.x, junction.instance.y
            if x is not None and y is not None:
                positions[path] = (x, y)
        connections = tuple(
            DrawnConnection(
                edge.kind.value,
                edge.container,
                (edge.source[1], edge.source[2]),
                (edge.destination[1], edge.destination[2]),
            )
            for edge in graph.edges
            if edge.source[0] in mine and edge.destination[0] in mine
        )
        out[scope] = Drawing(positions, subapps, connections)
    return out
