"""Composite FB types from ``.fbt`` files: the inner network typed, checked and built once.

:func:`build_composite` resolves every inner FB through
:class:`~fbruntime.fourdiac.build.FourdiacTypes`, names a Function's unnamed return output (``FB.``
in connections), types the inner generic FBs from their connections
(:func:`~fbruntime.fourdiac.specialize.type_generics`) and creates the composite once to check
it. :class:`FourdiacCompositeType` is a core composite that also joins the adapter connections
among its inner FBs whenever an instance is created.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fbruntime.core import CompositeType, FBType, InnerBlock
from fbruntime.core.composite import CompositeInstance
from fbruntime.core.instance import FBInstance
from fbruntime.core.interface import Interface as CoreInterface
from fbruntime.fourdiac.adapters import connect_adapters
from fbruntime.fourdiac.configured import configure_instance
from fbruntime.fourdiac.elementerrors import error_at
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.iectypes import parse_value
from fbruntime.fourdiac.kinds import return_pin, type_meta
from fbruntime.fourdiac.library import FB_TAGS
from fbruntime.fourdiac.model import CompositeFBType, ConnectionKind, FunctionType
from fbruntime.fourdiac.specialize import type_generics

if TYPE_CHECKING:
    from fbruntime.fourdiac.build import FourdiacTypes


class FourdiacCompositeType(CompositeType):
    """A composite from an ``.fbt``: adds adapter connections among its inner FBs on create."""

    data_fan_in = False  # FORTE: a data input inside takes one connection

    def __init__(
        self,
        name: str,
        interface: CoreInterface,
        blocks: Sequence[InnerBlock],
        connections: Sequence[tuple[str, str]],
        adapter_connections: Sequence[tuple[str, str]] = (),
        **meta: Any,
    ) -> None:
        super().__init__(name, interface, blocks, connections, **meta)
        self.adapter_connections = list(adapter_connections)
        # Where the editor drew each inner FB (web page only; see fourdiac.drawing).
        self.positions: dict[str, tuple[float, float]] = {}

    def create(self, name: str) -> FBInstance:
        inst = super().create(name)
        assert isinstance(inst, CompositeInstance)
        for source, destination in self.adapter_connections:
            connect_adapters(inst.rt__network.instances, source, destination)
        return inst


def build_composite(
    types: FourdiacTypes, model: CompositeFBType, file: str
) -> FourdiacCompositeType:
    itf = types.interface(model.interface)
    package, imports = model.header.package, model.header.imports
    inner: dict[str, FBType] = {}
    returns: dict[str, str] = {}
    params: dict[str, dict[str, str]] = {}
    for fb in model.network.fbs:
        try:
            found = types.get(fb.type_name, package, imports, origin=fb.origin)
            inner[fb.name] = configure_instance(types, found, fb.attributes)
        except FourdiacError as exc:
            raise error_at(fb.origin, "FB", f"{fb.name}: {exc.reason}") from None
        if getattr(inner[fb.name], "kind", "") == "function":
            entry = types.library.resolve(fb.type_name, package, imports, FB_TAGS)
            fmodel = types.library.load(entry) if entry is not None else None
            if isinstance(fmodel, FunctionType):
                returns[fb.name] = return_pin(fmodel.interface)
        params[fb.name] = {p.name: p.value for p in fb.parameters}
    for decls, is_socket in ((model.interface.sockets, True), (model.interface.plugs, False)):
        for decl in decls:
            try:
                inner[decl.name] = types.proxy_type(
                    decl.name, decl.type_name, is_socket, package, imports
                )
            except FourdiacError as exc:
                raise error_at(decl.origin, "AdapterDeclaration", exc.reason) from None
    connections: list[tuple[str, str]] = []
    adapter_connections: list[tuple[str, str]] = []
    for c in model.network.connections:
        source = _fix_return(c.source, returns)
        destination = _fix_return(c.destination, returns)
        if c.kind is ConnectionKind.ADAPTER:
            adapter_connections.append((source, destination))
        else:
            connections.append((source, destination))
    inner = type_generics(inner, connections, itf, params)
    blocks = []
    for fb in model.network.fbs:
        t = inner[fb.name]
        values: dict[str, Any] = {}
        for p in fb.parameters:
            port = t.interface.data_port(p.name)
            if port is None:
                raise error_at(p.origin, "Parameter", f"{fb.name} ({t.name}) has no pin {p.name!r}")
            if port.type.is_generic:
                values[p.name] = p.value
                continue
            values[p.name] = parse_value(
                p.value,
                port.type,
                p.origin.file,
                p.origin.line,
                f"{fb.name}.{p.name}",
                types.constant_lookup,
            )
        blocks.append(InnerBlock(fb.name, t, values))
    for decls in (model.interface.sockets, model.interface.plugs):
        for decl in decls:
            blocks.append(InnerBlock(decl.name, inner[decl.name], {}))
    try:
        composite = FourdiacCompositeType(
            model.header.name,
            itf,
            blocks,
            connections,
            adapter_connections,
            **type_meta(model, file),
        )
        composite.positions = {
            fb.name: (fb.x, fb.y)
            for fb in model.network.fbs
            if fb.x is not None and fb.y is not None
        }
        composite.create("check")
    except FourdiacError:
        raise
    except Exception as exc:
        raise FourdiacError(
            file, model.network.origin.line, "FBNetwork", f"{model.header.name}: {exc}"
        ) from None
    return composite


def _fix_return(path: str, returns: Mapping[str, str]) -> str:
    """``FB.`` (a Function's unnamed return output) -> ``FB.OUT``."""
    if path.endswith("."):
        head = path[:-1]
        if head in returns:
            return f"{head}.{returns[head]}"
    return path
