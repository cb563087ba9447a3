"""What FORTE's QUERY commands report about a network and a type, from the engine's objects.

Connections are listed per FB in creation order, event outputs' connections before data
outputs', each end named from the resource down (``RES.FB.PIN``) as FORTE's
``CResource::queryConnections`` names them, except a source on the resource's ``START`` FB,
which FORTE leaves bare. FORTE orders the FBs by its string dictionary instead (names its types
already use come first), an accident of its storage that fbrt does not copy. A type's interface
is given as the IDE reads it back. Adapter types come from the resolver's
``adapter_names``/``adapter`` (FORTE's ATimeOut and ARTimeOut are built in: ``fbruntime.builtin``).
"""

from __future__ import annotations

from fbruntime.core import FBType
from fbruntime.core.network import Network
from fbruntime.mgmt import replies

#: The resource's E_RESTART, whose connections' sources FORTE names without the resource.
RESTART_FB = "START"


def connection_pairs(net: Network, resource: str) -> list[tuple[str, str]]:
    """Per FB in creation order: event outputs' connections, then data outputs', as FORTE."""
    prefix = f"{resource}."
    out: list[tuple[str, str]] = []
    for name, inst in net.instances.items():
        itf = inst.rt__type.interface
        src_prefix = "" if name == RESTART_FB else prefix
        for event in itf.event_outputs:
            out.extend(
                (src_prefix + c.source, prefix + c.destination)
                for c in net.event_connections
                if c.src_fb is inst and c.src_pin == event.name
            )
        for data in itf.data_outputs:
            out.extend(
                (src_prefix + c.source, prefix + c.destination)
                for c in net.data_connections
                if c.src_fb is inst and c.src_pin == data.name
            )
    return out


def declared_interface(fbtype: FBType) -> replies.TypeInterface:
    """The interface a QUERY of an FB type answers with (inputs include in-outs)."""
    itf = fbtype.interface
    return replies.TypeInterface(
        name=fbtype.name,
        event_inputs=tuple(replies.EventDecl(e.name, e.with_) for e in itf.event_inputs),
        event_outputs=tuple(replies.EventDecl(e.name, e.with_) for e in itf.event_outputs),
        input_vars=tuple((d.name, d.type.name) for d in (*itf.data_inputs, *itf.inouts)),
        output_vars=tuple((d.name, d.type.name) for d in itf.data_outputs),
        plugs=tuple((p.name, p.type_name) for p in itf.plugs),
        sockets=tuple((s.name, s.type_name) for s in itf.sockets),
    )


def adapter_type_names(resolver: object) -> list[str]:
    """The adapter types a QUERY of adapter types lists (those the resolver knows of)."""
    names = getattr(resolver, "adapter_names", None)
    return list(names()) if callable(names) else []


def adapter_interface(resolver: object, name: str) -> replies.TypeInterface | None:
    """The interface of adapter type *name* as the IDE reads it back, or None if unknown."""
    find = getattr(resolver, "adapter", None)
    model = find(name) if callable(find) else None
    if model is None:
        return None
    itf = model.interface
    return replies.TypeInterface(
        name=model.header.name,
        event_inputs=tuple(replies.EventDecl(e.name, e.with_vars) for e in itf.event_inputs),
        event_outputs=tuple(replies.EventDecl(e.name, e.with_vars) for e in itf.event_outputs),
        input_vars=tuple((v.name, v.type_name) for v in itf.inputs),
        output_vars=tuple((v.name, v.type_name) for v in itf.outputs),
    )
