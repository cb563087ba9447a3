"""Resolve a ``.sys`` into what each resource must run, flattening subapps as the IDE deploys.

The result, a :class:`Deployment`, lists per device and resource the FB instances (full dotted
names, resolved type entry, evaluated parameters) and the connections between real FB pins.  It
follows the IDE's deployment (ResourceDeploymentData): subapps are not runtime entities, so each
FB inside one is named ``App.Sub.FB``, connections are routed through subapp interface pins to
the real pins (fan-out and chains through nested subapps included), and a subapp input's
parameter is written to every inner pin it feeds.  Composite FBs stay types.

Mapping comes in two generations (§a.6) and both are accepted: old files map ``App.FB`` to
``Dev.Res.FB`` and repeat the FB in the resource network (that copy is treated as an alias of
the application element); new files map to ``Dev.Res`` and name application elements in the
resource network by their ``App.…`` path.  Application FBs that no mapping places run in one
default resource, so systems without devices (IDE test systems) still run.  Mapped application
FBs keep their application-qualified name in the resource (``App.Sub.FB``), resource-local FBs
keep their plain name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fbruntime.fourdiac.dns import find_virtual_dns, read_virtual_dns, substitute
from fbruntime.fourdiac.errors import FourdiacError, Origin, Problem
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.literals import evaluate
from fbruntime.fourdiac.model import (
    BasicFBType,
    CompositeFBType,
    ConnectionKind,
    DataType,
    DeviceType,
    FBInstance,
    Interface,
    LibraryElement,
    Network,
    Parameter,
    ResourceType,
    SimpleFBType,
    SubAppInstance,
    SubAppType,
    SystemConfiguration,
    VarDecl,
)
from fbruntime.fourdiac.reader import read_file

DEFAULT_DEVICE = "_default"
DEFAULT_RESOURCE = "_default"
DEFAULT_DEVICE_TYPE = "FORTE_PC"
DEFAULT_RESOURCE_TYPE = "EMB_RES"

_SUBAPP_TAGS = frozenset({"SubAppType"})
_ADAPTER_TAGS = frozenset({"AdapterType"})
_DATA_TAGS = frozenset({"DataType"})
_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(::[A-Za-z_]\w*)*$")
_NOT_CONSTANTS = {"TRUE", "FALSE"}

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


# --- result ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeployedParameter:
    """``text`` is what gets written (after ``%DNS%`` and constants); ``value`` is parsed."""

    pin: str
    text: str
    written: str
    value: Any
    origin: Origin


@dataclass(frozen=True, slots=True)
class DeployedFB:
    name: str
    type_name: str
    type_entry: TypeEntry | None
    parameters: tuple[DeployedParameter, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class DeployedConnection:
    kind: ConnectionKind
    source: str
    destination: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class DeployedResource:
    """``builtin_fbs`` come with the resource type (``START`` in EMB_RES) and are not created."""

    name: str
    type_name: str
    type_entry: TypeEntry | None
    parameters: tuple[DeployedParameter, ...]
    builtin_fbs: tuple[DeployedFB, ...]
    fbs: tuple[DeployedFB, ...]
    connections: tuple[DeployedConnection, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class DeployedDevice:
    name: str
    type_name: str
    type_entry: TypeEntry | None
    parameters: tuple[DeployedParameter, ...]
    resources: tuple[DeployedResource, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class MissingType:
    type_name: str
    used_by: str
    reason: str
    origin: Origin

    def __str__(self) -> str:
        return f"{self.origin}: type {self.type_name!r} of {self.used_by} {self.reason}"


@dataclass(frozen=True, slots=True)
class Deployment:
    system: str
    file: str
    devices: tuple[DeployedDevice, ...]
    missing_types: tuple[MissingType, ...]
    problems: tuple[Problem, ...]

    def resources(self) -> Iterator[tuple[DeployedDevice, DeployedResource]]:
        for device in self.devices:
            for resource in device.resources:
                yield device, resource

    def resource(self, device: str, resource: str) -> DeployedResource:
        for dev, res in self.resources():
            if dev.name == device and res.name == resource:
                return res
        raise KeyError(f"{device}.{resource}")

    @property
    def fb_count(self) -> int:
        return sum(len(res.fbs) for _, res in self.resources())


# --- working state -----------------------------------------------------------------------

_Key = tuple[str, str]
"""(scope, path): scope is "" for application elements, "Dev.Res" for resource-local ones."""
_End = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _Context:
    """Where names inside a network are resolved: the file that wrote them."""

    package: str
    imports: tuple[str, ...]
    file: str


@dataclass(slots=True)
class _FB:
    instance: FBInstance
    context: _Context
    entry: TypeEntry | None
    interface: Interface | None
    resource: str = ""
    builtin: bool = False
    pushed: dict[str, Parameter] = field(default_factory=dict)


@dataclass(slots=True)
class _Junction:
    """A subapp: its pins only route connections and carry parameters to inner pins."""

    instance: SubAppInstance
    context: _Context
    interface: Interface | None


@dataclass(slots=True)
class _Edge:
    kind: ConnectionKind
    source: _End
    destination: _End
    origin: Origin


class _Resolver:
    def __init__(
        self, system: SystemConfiguration, library: TypeLibrary, dns: Mapping[str, str]
    ) -> None:
        self.system = system
        self.library = library
        self.dns = dns
        self.file = system.origin.file
        self.context = _Context(system.header.package, system.header.imports, self.file)
        self.fbs: dict[_Key, _FB] = {}
        self.junctions: dict[_Key, _Junction] = {}
        self.aliases: dict[_Key, str] = {}
        self.edges: list[_Edge] = []
        self.outgoing: dict[_End, list[_Edge]] = {}
        self.incoming: set[_End] = set()
        self.missing: dict[tuple[str, str, Origin], MissingType] = {}
        self.problems: list[Problem] = []
        self.checked_types: set[str] = set()

    # -- reporting ----------------------------------------------------------------------

    def problem(self, origin: Origin, element: str, message: str) -> None:
        self.problems.append(Problem(origin.file, origin.line, element, message))

    def lookup(
        self, type_name: str, context: _Context, tags: frozenset[str], used_by: str, origin: Origin
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
        context = _Context(model.header.package, model.header.imports, entry.file)
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

    def check_data_type(self, var: VarDecl, context: _Context, owner: str) -> None:
        type_name = var.type_name.strip()
        if not type_name or type_name.upper() in IEC_TYPE_NAMES:
            return
        if re.match(r"^W?STRING\s*\[", type_name, re.IGNORECASE):
            return
        self.lookup(type_name, context, _DATA_TAGS, f"{owner}.{var.name}", var.origin)

    # -- building the graph -------------------------------------------------------------

    def add_network(self, network: Network, scope: str, prefix: str, context: _Context) -> None:
        container = prefix[:-1] if prefix else ""
        for fb in network.fbs:
            key = (scope, prefix + fb.name)
            if key in self.aliases:
                continue
            entry, model = self.lookup(fb.type_name, context, FB_TAGS, prefix + fb.name, fb.origin)
            interface = getattr(model, "interface", None)
            self.fbs[key] = _FB(
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
            edge = _Edge(connection.kind, source, destination, connection.origin)
            self.edges.append(edge)
            self.outgoing.setdefault(source, []).append(edge)
            self.incoming.add(destination)

    def add_subapp(
        self, subapp: SubAppInstance, scope: str, prefix: str, context: _Context
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
                inner_context = _Context(model.header.package, model.header.imports, entry.file)
            else:
                body = None
        elif body is None:
            self.problem(
                subapp.origin, "SubApp", f"untyped subapp {path!r} has no network and no mapping"
            )
        self.junctions[(scope, path)] = _Junction(subapp, context, interface)
        if body is not None:
            self.add_network(body, scope, path + ".", inner_context)

    def end(
        self, text: str, scope: str, prefix: str, container: str, origin: Origin
    ) -> _End | None:
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


def _params_by_pin(parameters: Sequence[Parameter]) -> dict[str, Parameter]:
    return {p.name: p for p in parameters}


def resolve_system(
    system: SystemConfiguration | str | Path,
    library: TypeLibrary,
    *,
    dns: Mapping[str, str] | None = None,
) -> Deployment:
    """Flatten and map *system* (a model or a ``.sys`` path) against *library*.

    Without *dns*, ``virtualDNS.dns`` is looked up next to or above the system file.
    """
    if not isinstance(system, SystemConfiguration):
        model = read_file(system)
        if not isinstance(model, SystemConfiguration):
            raise FourdiacError(
                str(system), model.origin.line, model.kind.value, "not a System (.sys) file"
            )
        system = model
    if dns is None:
        dns_file = find_virtual_dns(system.origin.file) if system.origin.file else None
        dns = read_virtual_dns(dns_file) if dns_file is not None else {}
    return _Deployer(_Resolver(system, library, dns)).run()


class _Deployer:
    def __init__(self, resolver: _Resolver) -> None:
        self.r = resolver

    def run(self) -> Deployment:
        r = self.r
        system = r.system
        targets = r.mapping_targets()
        for app in system.applications:
            r.add_network(app.network, "", app.name + ".", r.context)
            # Application-level endpoints are always App.X.PIN: make the app a container only
            # for the names of its own elements (no interface of its own).
        resource_types: dict[str, tuple[TypeEntry | None, ResourceType | None]] = {}
        device_types: dict[str, TypeEntry | None] = {}
        for device in system.devices:
            entry, model = (
                r.lookup(
                    device.type_name,
                    r.context,
                    frozenset({"DeviceType"}),
                    device.name,
                    device.origin,
                )
                if device.type_name
                else (None, None)
            )
            device_types[device.name] = entry
            del model
            for resource in device.resources:
                scope = f"{device.name}.{resource.name}"
                res_entry, res_model = (
                    r.lookup(
                        resource.type_name,
                        r.context,
                        frozenset({"ResourceType"}),
                        scope,
                        resource.origin,
                    )
                    if resource.type_name
                    else (None, None)
                )
                res_type = res_model if isinstance(res_model, ResourceType) else None
                resource_types[scope] = (res_entry, res_type)
                if res_type is not None and res_type.network is not None and res_entry is not None:
                    builtin_context = _Context(
                        res_type.header.package, res_type.header.imports, res_entry.file
                    )
                    for fb in res_type.network.fbs:
                        entry, fb_model = r.lookup(
                            fb.type_name, builtin_context, FB_TAGS, f"{scope}.{fb.name}", fb.origin
                        )
                        interface = getattr(fb_model, "interface", None)
                        r.fbs[(scope, fb.name)] = _FB(
                            fb,
                            builtin_context,
                            entry,
                            interface if isinstance(interface, Interface) else None,
                            scope,
                            builtin=True,
                        )
        for device in system.devices:
            for resource in device.resources:
                scope = f"{device.name}.{resource.name}"
                r.add_network(resource.network, scope, "", r.context)
        self.assign(targets)
        self.push_subapp_parameters()
        per_resource = self.route()
        devices = self.devices(device_types, resource_types, per_resource)
        return Deployment(
            system.header.name,
            r.file,
            devices,
            tuple(r.missing.values()),
            tuple(r.problems),
        )

    def assign(self, targets: list[tuple[str, str]]) -> None:
        """Each application FB goes where its longest mapped prefix (itself or a subapp) says."""
        r = self.r
        by_source: dict[str, str] = {}
        for source, target in targets:
            by_source[source] = target  # a later mapping of the same element wins
        default = f"{DEFAULT_DEVICE}.{DEFAULT_RESOURCE}"
        for (scope, path), fb in r.fbs.items():
            if scope:
                fb.resource = scope
                continue
            fb.resource = default
            prefix = path
            while True:
                found = by_source.get(prefix)
                if found is not None:
                    fb.resource = found
                    break
                prefix, dot, _ = prefix.rpartition(".")
                if not dot:
                    break

    def push_subapp_parameters(self) -> None:
        """Write each subapp input's value to the inner pins it feeds (addSubAppParams)."""
        r = self.r
        for (scope, path), junction in r.junctions.items():
            values = _params_by_pin(junction.instance.parameters)
            if junction.interface is not None:
                for var in junction.interface.inputs:
                    if var.name not in values and var.initial_value not in (None, ""):
                        values[var.name] = Parameter(
                            var.name, var.initial_value or "", "", var.origin
                        )
            for pin, parameter in values.items():
                end = (scope, path, pin)
                if end in r.incoming:
                    continue
                for fb_key, fb_pin, _ in self.reach(end, ConnectionKind.DATA):
                    fb = r.fbs[fb_key]
                    fb.pushed[fb_pin] = replace(parameter, name=fb_pin)

    def reach(self, start: _End, kind: ConnectionKind | None) -> Iterator[tuple[_Key, str, _Edge]]:
        """Real FB pins reachable from *start* through subapp pins, in connection order."""
        r = self.r
        seen: set[_End] = {start}
        # Depth-first in document order so fan-out keeps the order the connections were drawn.
        results: list[tuple[_Key, str, _Edge]] = []

        def walk(end: _End) -> None:
            for edge in r.outgoing.get(end, ()):
                if kind is not None and edge.kind != kind:
                    continue
                destination = edge.destination
                key = (destination[0], destination[1])
                if key in r.fbs:
                    results.append((key, destination[2], edge))
                elif destination not in seen:
                    seen.add(destination)
                    walk(destination)

        walk(start)
        yield from results

    def route(self) -> dict[str, list[DeployedConnection]]:
        r = self.r
        per_resource: dict[str, list[DeployedConnection]] = {}
        seen: set[tuple[str, ConnectionKind, str, str]] = set()
        for edge in r.edges:
            source_key = (edge.source[0], edge.source[1])
            source_fb = r.fbs.get(source_key)
            if source_fb is None:
                continue
            source = f"{edge.source[1]}.{edge.source[2]}"
            targets: list[tuple[_Key, str, _Edge]]
            destination_key = (edge.destination[0], edge.destination[1])
            if destination_key in r.fbs:
                targets = [(destination_key, edge.destination[2], edge)]
            else:
                targets = list(self.reach(edge.destination, edge.kind))
            for key, pin, last in targets:
                destination_fb = r.fbs[key]
                if destination_fb.resource != source_fb.resource:
                    r.problem(
                        edge.origin,
                        "Connection",
                        f"connection {source} -> {key[1]}.{pin} crosses resources "
                        f"({source_fb.resource} / {destination_fb.resource}); not deployed",
                    )
                    continue
                destination = f"{key[1]}.{pin}"
                marker = (source_fb.resource, edge.kind, source, destination)
                if marker in seen:
                    continue
                seen.add(marker)
                per_resource.setdefault(source_fb.resource, []).append(
                    DeployedConnection(edge.kind, source, destination, last.origin)
                )
        return per_resource

    # -- values -------------------------------------------------------------------------

    def value(
        self, parameter: Parameter, type_name: str | None, context: _Context, where: str
    ) -> DeployedParameter:
        r = self.r
        text, missing = substitute(parameter.value, r.dns)
        for name in missing:
            r.problem(
                parameter.origin, "Parameter", f"{where}: virtual DNS name %{name}% is not defined"
            )
        package, imports = context.package, context.imports
        for _ in range(8):
            candidate = text.strip()
            if not _IDENTIFIER.match(candidate) or candidate.upper() in _NOT_CONSTANTS:
                break
            found = r.library.find_constant(candidate, package, imports)
            if found is None:
                break
            constants, constant = found
            text = constant.initial_value or ""
            package, imports = constants.header.package, constants.header.imports
        value: Any = None
        if type_name:
            value, error = evaluate(text, type_name, f"{parameter.origin} ({where})")
            if error is not None:
                r.problem(parameter.origin, "Parameter", f"{where}: {error}")
        return DeployedParameter(parameter.name, text, parameter.value, value, parameter.origin)

    def fb_parameters(self, fb: _FB, name: str) -> tuple[DeployedParameter, ...]:
        merged = _params_by_pin(fb.instance.parameters)
        merged.update(fb.pushed)
        result = []
        for pin, parameter in merged.items():
            var = fb.interface.input_var(pin) if fb.interface is not None else None
            if fb.interface is not None and var is None:
                self.r.problem(
                    parameter.origin,
                    "Parameter",
                    f"{name}: type {fb.instance.type_name!r} has no input {pin!r}",
                )
            type_name = var.type_name if var is not None and var.array_size is None else None
            context = fb.context
            result.append(self.value(parameter, type_name, context, f"{name}.{pin}"))
        return tuple(result)

    def params(
        self, parameters: Sequence[Parameter], declared: Sequence[VarDecl], where: str
    ) -> tuple[DeployedParameter, ...]:
        types = {v.name: v.type_name for v in declared}
        return tuple(
            self.value(p, types.get(p.name), self.r.context, f"{where}.{p.name}")
            for p in parameters
        )

    def devices(
        self,
        device_types: dict[str, TypeEntry | None],
        resource_types: dict[str, tuple[TypeEntry | None, ResourceType | None]],
        per_resource: dict[str, list[DeployedConnection]],
    ) -> tuple[DeployedDevice, ...]:
        r = self.r
        by_resource: dict[str, list[DeployedFB]] = {}
        builtins: dict[str, list[DeployedFB]] = {}
        for (_, path), fb in r.fbs.items():
            deployed = DeployedFB(
                path,
                fb.instance.type_name,
                fb.entry,
                self.fb_parameters(fb, path),
                fb.instance.origin,
            )
            (builtins if fb.builtin else by_resource).setdefault(fb.resource, []).append(deployed)
        devices: list[DeployedDevice] = []
        for device in r.system.devices:
            device_entry = device_types.get(device.name)
            device_model = r.library.load(device_entry) if device_entry is not None else None
            device_vars = device_model.parameters if isinstance(device_model, DeviceType) else ()
            resources = []
            for resource in device.resources:
                scope = f"{device.name}.{resource.name}"
                res_entry, res_type = resource_types[scope]
                resources.append(
                    DeployedResource(
                        resource.name,
                        resource.type_name,
                        res_entry,
                        self.params(
                            resource.parameters,
                            res_type.parameters if res_type is not None else (),
                            scope,
                        ),
                        tuple(builtins.get(scope, ())),
                        tuple(by_resource.get(scope, ())),
                        tuple(per_resource.get(scope, ())),
                        resource.origin,
                    )
                )
            devices.append(
                DeployedDevice(
                    device.name,
                    device.type_name,
                    device_entry,
                    self.params(device.parameters, device_vars, device.name),
                    tuple(resources),
                    device.origin,
                )
            )
        default_scope = f"{DEFAULT_DEVICE}.{DEFAULT_RESOURCE}"
        if default_scope in by_resource:
            devices.append(self.default_device(by_resource, per_resource))
        return tuple(devices)

    def default_device(
        self,
        by_resource: dict[str, list[DeployedFB]],
        per_resource: dict[str, list[DeployedConnection]],
    ) -> DeployedDevice:
        r = self.r
        scope = f"{DEFAULT_DEVICE}.{DEFAULT_RESOURCE}"
        origin = r.system.origin
        device_entry = r.library.resolve(DEFAULT_DEVICE_TYPE, tags=frozenset({"DeviceType"}))
        res_entry = r.library.resolve(DEFAULT_RESOURCE_TYPE, tags=frozenset({"ResourceType"}))
        builtin: list[DeployedFB] = []
        res_model = r.library.load(res_entry) if res_entry is not None else None
        if isinstance(res_model, ResourceType) and res_model.network is not None:
            builtin = [
                DeployedFB(
                    fb.name,
                    fb.type_name,
                    r.library.resolve(fb.type_name, res_model.header.package, tags=FB_TAGS),
                    (),
                    fb.origin,
                )
                for fb in res_model.network.fbs
            ]
        resource = DeployedResource(
            DEFAULT_RESOURCE,
            DEFAULT_RESOURCE_TYPE,
            res_entry,
            (),
            tuple(builtin),
            tuple(by_resource.get(scope, ())),
            tuple(per_resource.get(scope, ())),
            origin,
        )
        return DeployedDevice(
            DEFAULT_DEVICE, DEFAULT_DEVICE_TYPE, device_entry, (), (resource,), origin
        )
