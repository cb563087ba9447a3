"""Adapter connections at run time: a plug and a socket joined into one shared link.

Used where 4diac networks are built: inside a composite (:mod:`fbruntime.fourdiac.composite`)
and in a resource (:mod:`fbruntime.fourdiac.loader`). Either end is ``FB.adapter`` (a plug or
socket pin of a Basic FB) or, inside a composite, the bare name of the composite's own adapter
proxy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fbruntime.core.composite import CompositeInstance
from fbruntime.core.ecc import AdapterLink
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import AdapterPort, DataPort


def _adapter_end(instances: Mapping[str, FBInstance], path: str) -> tuple[Any, str, str]:
    """(object to bind, adapter name, adapter type) for ``FB.adapter`` or a bare proxy name."""
    if path in instances and hasattr(instances[path], "rt__bind_link"):
        proxy = instances[path]
        return proxy, "", getattr(proxy.rt__type, "adapter_type", "")
    head, _, pin = path.rpartition(".")
    inst = instances.get(head)
    if inst is None:
        raise ValueError(f"adapter connection end {path!r}: no FB {head!r}")
    if isinstance(inst, CompositeInstance):
        inner = inst.rt__network.instances.get(pin)
        if inner is None or not hasattr(inner, "rt__bind_link"):
            raise ValueError(f"adapter connection end {path!r}: {head} has no adapter {pin!r}")
        return inner, "", getattr(inner.rt__type, "adapter_type", "")
    port = inst.rt__type.interface.port(pin)
    if not isinstance(port, AdapterPort) or not hasattr(inst, "rt__bind_link"):
        raise ValueError(f"adapter connection end {path!r}: {pin!r} is not a plug or socket")
    return inst, pin, port.type_name


def connect_adapters(instances: Mapping[str, FBInstance], source: str, destination: str) -> None:
    """Join a plug and a socket: both sides then share one :class:`AdapterLink`."""
    a, a_pin, a_type = _adapter_end(instances, source)
    b, b_pin, b_type = _adapter_end(instances, destination)
    if a_type.rsplit("::", 1)[-1].lower() != b_type.rsplit("::", 1)[-1].lower():
        raise ValueError(f"adapter connection {source} -> {destination}: {a_type} is not {b_type}")
    data: dict[str, DataPort] = {}
    events: list[str] = []
    for side, pin in ((a, a_pin), (b, b_pin)):
        if pin:
            spec = side.rt__type.adapter(pin)
            data.update({p.name: p for p in spec.data})
            events.extend((*spec.event_inputs, *spec.event_outputs))
        else:
            itf = side.rt__type.interface
            data.update({p.name: p for p in itf.data_ports()})
            events.extend(e.name for e in (*itf.event_inputs, *itf.event_outputs))
    link = AdapterLink(a_type, tuple(data.values()), events)
    for side, pin in ((a, a_pin), (b, b_pin)):
        if pin:
            side.rt__bind_link(pin, link)
        else:
            side.rt__bind_link(link)
