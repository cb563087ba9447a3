"""The working graph of a ``.sys`` being deployed: FBs, subapp junctions and connection edges.

:class:`SystemGraph` reads every network of a system (applications, subapps, resources) into one
graph keyed by scope and dotted path, checks that every type a used type needs resolves (the
type closure: inner FBs, adapters, data types), and turns the mapping into targets and aliases.
:mod:`fbruntime.fourdiac.deploy` then places, routes and evaluates it into a
:class:`~fbruntime.fourdiac.deployed.Deployment`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fbruntime.fourdiac.deployed import MissingType
from fbruntime.fourdiac.errors import Origin, Problem
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.model import (
    BasicFBType,
    CompositeFBType,
    ConnectionKind,
    DataType,
    FBInstance,
    Interface,
    LibraryElement,
    Network,
    Parameter,
    SimpleFBType,
    SubAppInstance,
    SubAppType,
    SystemConfiguration,
    VarDecl,
)

_SUBAPP_TAGS = frozenset({"SubAppType"})
_ADAPTER_TAGS = frozenset({"AdapterType"})
_DATA_TAGS = frozenset({"DataType"})

IEC_TYPE_NAMES = frozenset(
    [
        "BOOL",
        "SINT",
        "INT",
        "DINT",
        "LINT",
        "USINT",
        "UINT",
        "UDINT",
        "ULINT",
        "REAL",
        "LREAL",
        "BYTE",
        "WORD",
        "DWORD",
        "LWORD",
        "TIME",
        "LTIME",
        "DATE",
        "LDATE",
        "TIME_OF_DAY",
        "TOD",
        "LTOD",
        "LTIME_OF_DAY",
        "DATE_AND_TIME",
        "DT",
        "LDT",
        "LDATE_AND_TIME",
        "STRING",
        "WSTRING",
        "CHAR",
        "WCHAR",
        "ANY",
        "ANY_ELEMENTARY",
        "ANY_DERIVED",
        "ANY_MAGNITUDE",
        "ANY_NUM",
        "ANY_REAL",
        "ANY_INT",
        "ANY_SIGNED",
        "ANY_UNSIGNED",
        "ANY_DURATION",
        "ANY_BIT",
        "ANY_CHARS",
        "ANY_SCHARS",
        "ANY_WCHARS",
        "ANY_STRING",
        "ANY_CHAR",
        "ANY_DATE",
        "ANY_STRUCT",
        "EVENT",
    ]
)
"""Names the data-type closure does not look up in the library."""


ElementKey = tuple[str, str]
"""(scope, path): scope is "" for application elements, "Dev.Res" for resource-local ones."""
PinEnd = tuple[str, str, str]
"""(scope, path, pin): one end of an :class:`Edge`, on an FB or on a subapp's pin."""


@dataclass(frozen=True, slots=True)
class NetworkContext:
    """Where names inside a network are resolved: the file that wrote them."""

    package: str
    imports: tuple[str, ...]
    file: str


@dataclass(slots=True)
class GraphFB:
    """A real FB of the system: its type, where its names resolve, the resource it runs in."""

    instance: FBInstance
    context: NetworkContext
    entry: TypeEntry | None
    interface: Interface | None
    resource: str = ""
    builtin: bool = False
    pushed: dict[str, Parameter] = field(default_factory=dict)


@dataclass(slots=True)
class Junction:
    """A subapp: its pins only route connections and carry parameters to inner pins."""

    instance: SubAppInstance
    context: NetworkContext
    interface: Interface | None


@dataclass(slots=True)
class Edge:
    """A connection as drawn, possibly ending on subapp pins that routing walks through."""

    kind: ConnectionKind
    source: PinEnd
    destination: PinEnd
    origin: Origin
    container: str = ""  # the network it was drawn in (an application or subapp path)


class SystemGraph:
    """A system's elements and connections, flattened; problems and missing types kept."""

    def __init__(
        self, system: SystemConfiguration, library: TypeLibrary, dns: Mapping[str, str]
    ) -> None:
        self.system = system
        self.library = library
        self.dns = dns
        self.file = system.origin.file
        self.context = NetworkContext(system.header.package, system.header.imports, self.file)
        self.fbs: dict[ElementKey, GraphFB] = {}
        self.junctions: dict[ElementKey, Junction] = {}
        self.aliases: dict[ElementKey, str] = {}
        self.edges: list[Edge] = []
        self.outgoing: dict[PinEnd, list[Edge]] = {}
        self.incoming: set[PinEnd] = set()
        self.missing: dict[tuple[str, str, Origin], MissingType] = {}
        self.problems: list[Problem] = []
        self.checked_types: set[str] = set()

    # -- reporting ----------------------------------------------------------------------

    def problem(self, origin: Origin, element: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.line, element, message))

    def lookup(
        self,
        type_name: str,
        context: NetworkContext,
        tags: frozenset[str],
        used_by: str,
        origin: Origin,
    ) -> tuple[TypeEntry | None, LibraryElement | None]:
        resolution = self.library.resolve_detailed(
            type_name, context.package, context.imports, tags
        )
        if resolution.entry is None:
            reason = resolution.how
            self.missing.setdefault(
                (type_name, used_by, origin), MissingType(type_name, used_by, reason, origin)
            )
            return None, None
        model = self.library.load(resolution.entry)
        if model is None:
            self.missing.setdefault(
                (type_name, used_by, origin),
                MissingType(
                    type_name, used_by, f"cannot be read ({resolution.entry.file})", origin
                ),
            )
            return resolution.entry, None
        self.check_closure(resolution.entry, model)
        return resolution.entry, model

    def check_closure(self, entry: TypeEntry, model: LibraryElement) -> None:
        """Every type a used type needs (inner FBs, adapters, data types) must resolve too."""
        if entry.file in self.checked_types:
            return
        self.checked_types.add(entry.file)
        context = NetworkContext(model.header.package, model.header.imports, entry.file)
        interface = getattr(model, "interface", None)
        if isinstance(interface, Interface):
            for adapter in (*interface.sockets, *interface.plugs):
                self.lookup(
                    adapter.type_name,
                    context,
                    _ADAPTER_TAGS,
                    f"{entry.name}.{adapter.name}",
                    adapter.origin,
                )
            for var in (*interface.inputs, *interface.outputs, *interface.in_outs):
                self.check_data_type(var, context, entry.name)
        if isinstance(model, DataType):
            for member in model.members:
                self.check_data_type(member, context, entry.name)
        inner: Sequence[FBInstance] = ()
        if isinstance(model, CompositeFBType):
            inner = model.network.fbs
        elif isinstance(model, BasicFBType):
            inner = model.internal_fbs
            for var in model.internal_vars:
                self.check_data_type(var, context, entry.name)
        elif isinstance(model, SimpleFBType):
            for var in model.internal_vars:
                self.check_data_type(var, context, entry.name)
        for fb in inner:
            self.lookup(fb.type_name, context, FB_TAGS, f"{entry.name}.{fb.name}", fb.origin)

    def check_data_type(self, var: VarDecl, context: NetworkContext, owner: str) -> None:
        type_name = var.type_name.strip()
        if not type_name or type_name.upper() in IEC_TYPE_NAMES:
            return
        if re.match(r"^W?STRING\s*\[", type_name, re.IGNORECASE):
            return
        self.lookup(type_name, context, _DATA_TAGS, f"{owner}.{var.name}", var.origin)

    # -- building the graph -------------------------------------------------------------

    def add_network(
        self, network: Network, scope: str, prefix: str, context: NetworkContext
    ) -> None:
        container = prefix[:-1] if prefix else ""
        for fb in network.fbs:
            key = (scope, prefix + fb.name)
            if key in self.aliases:
                continue
            entry, model = self.lookup(fb.type_name, context, FB_TAGS, prefix + fb.name, fb.origin)
            interface = getattr(model, "interface", None)
            self.fbs[key] = GraphFB(
                fb, context, entry, interface if isinstance(interface, Interface) else None
            )
        for subapp in network.subapps:
            key = (scope, prefix + subapp.name)
            if key in self.aliases:
                continue
            self.add_subapp(subapp, scope, prefix, context)
        for connection in network.connections:
            source = self.end(connection.source, scope, prefix, container, connection.origin)
            destination = self.end(
                connection.destination, scope, prefix, container, connection.origin
            )
            if source is None or destination is None:
                continue
            edge = Edge(connection.kind, source, destination, connection.origin, container)
            self.edges.append(edge)
            self.outgoing.setdefault(source, []).append(edge)
            self.incoming.add(destination)

    def add_subapp(
        self, subapp: SubAppInstance, scope: str, prefix: str, context: NetworkContext
    ) -> None:
        path = prefix + subapp.name
        interface = subapp.interface
        body = subapp.network
        inner_context = context
        if subapp.type_name:
            entry, model = self.lookup(subapp.type_name, context, _SUBAPP_TAGS, path, subapp.origin)
            if isinstance(model, SubAppType) and entry is not None:
                interface = model.interface
                body = model.network
                inner_context = NetworkContext(
                    model.header.package, model.header.imports, entry.file
                )
            else:
                body = None
        elif body is None:
            self.problem(
                subapp.origin, "SubApp", f"untyped subapp {path!r} has no network and no mapping"
            )
        self.junctions[(scope, path)] = Junction(subapp, context, interface)
        if body is not None:
            self.add_network(body, scope, path + ".", inner_context)

    def end(
        self, text: str, scope: str, prefix: str, container: str, origin: Origin
    ) -> PinEnd | None:
        element, dot, pin = text.rpartition(".")
        if not dot:
            if container:
                return (scope, container, text)
            self.problem(origin, "Connection", f"endpoint {text!r} names no FB")
            return None
        key = (scope, prefix + element)
        if key in self.fbs or key in self.junctions:
            return (*key, pin)
        alias = self.aliases.get(key)
        if alias is not None:
            return ("", alias, pin)
        if scope and not prefix:
            # New-style resource networks name application elements by their App.… path.
            app_key = ("", element)
            if app_key in self.fbs or app_key in self.junctions:
                return ("", element, pin)
        self.problem(origin, "Connection", f"endpoint {text!r}: no FB or subapp {element!r}")
        return None

    # -- mapping ------------------------------------------------------------------------

    def resources(self) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for device in self.system.devices:
            for resource in device.resources:
                found[f"{device.name}.{resource.name}".lower()] = (device.name, resource.name)
        return found

    def mapping_targets(self) -> list[tuple[str, str]]:
        """(application path, "Dev.Res") per mapping; old-style copies become aliases."""
        known = self.resources()
        targets: list[tuple[str, str]] = []
        for mapping in self.system.mappings:
            parts = mapping.destination.split(".")
            if len(parts) < 2 or f"{parts[0]}.{parts[1]}".lower() not in known:
                self.problem(
                    mapping.origin,
                    "Mapping",
                    f"mapping target {mapping.destination!r} is not a Device.Resource",
                )
                continue
            device, resource = known[f"{parts[0]}.{parts[1]}".lower()]
            scope = f"{device}.{resource}"
            if len(parts) > 2:
                self.aliases[(scope, ".".join(parts[2:]))] = mapping.source
            targets.append((mapping.source, scope))
        return targets
