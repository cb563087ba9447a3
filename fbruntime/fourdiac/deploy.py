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

Layout: :mod:`fbruntime.fourdiac.deployed` holds the result types and
:mod:`fbruntime.fourdiac.sysgraph` the working graph (networks read, type closure checked, mapping
targets); this module places each FB in its resource, routes connections through subapps and
evaluates parameters. The result types are re-exported here, where callers have always imported
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from fbruntime.fourdiac.configured import configuration
from fbruntime.fourdiac.deployed import (
    DEFAULT_DEVICE,
    DEFAULT_DEVICE_TYPE,
    DEFAULT_RESOURCE,
    DEFAULT_RESOURCE_TYPE,
    DeployedConnection,
    DeployedDevice,
    DeployedFB,
    DeployedParameter,
    DeployedResource,
    Deployment,
    MissingType,
)
from fbruntime.fourdiac.dns import find_virtual_dns, read_virtual_dns, substitute
from fbruntime.fourdiac.drawing import system_drawings
from fbruntime.fourdiac.errors import FourdiacError
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.literals import evaluate
from fbruntime.fourdiac.model import (
    ConnectionKind,
    DeviceType,
    Interface,
    Parameter,
    ResourceType,
    SystemConfiguration,
    VarDecl,
)
from fbruntime.fourdiac.reader import read_file
from fbruntime.fourdiac.sysgraph import (
    IEC_TYPE_NAMES,
    Edge,
    ElementKey,
    GraphFB,
    NetworkContext,
    PinEnd,
    SystemGraph,
)

__all__ = [
    "DEFAULT_DEVICE",
    "DEFAULT_DEVICE_TYPE",
    "DEFAULT_RESOURCE",
    "DEFAULT_RESOURCE_TYPE",
    "IEC_TYPE_NAMES",
    "DeployedConnection",
    "DeployedDevice",
    "DeployedFB",
    "DeployedParameter",
    "DeployedResource",
    "Deployment",
    "MissingType",
    "resolve_system",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_]\w*(::[A-Za-z_]\w*)*$")
_NOT_CONSTANTS = {"TRUE", "FALSE"}


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
    return _Deployer(SystemGraph(system, library, dns)).run()


class _Deployer:
    def __init__(self, resolver: SystemGraph) -> None:
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
                    builtin_context = NetworkContext(
                        res_type.header.package, res_type.header.imports, res_entry.file
                    )
                    for fb in res_type.network.fbs:
                        entry, fb_model = r.lookup(
                            fb.type_name, builtin_context, FB_TAGS, f"{scope}.{fb.name}", fb.origin
                        )
                        interface = getattr(fb_model, "interface", None)
                        r.fbs[(scope, fb.name)] = GraphFB(
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
        scopes = [f"{d.name}.{res.name}" for d in devices for res in d.resources]
        return Deployment(
            system.header.name,
            r.file,
            devices,
            tuple(r.missing.values()),
            tuple(r.problems),
            system_drawings(r, scopes),
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

    def reach(
        self, start: PinEnd, kind: ConnectionKind | None
    ) -> Iterator[tuple[ElementKey, str, Edge]]:
        """Real FB pins reachable from *start* through subapp pins, in connection order."""
        r = self.r
        seen: set[PinEnd] = {start}
        # Depth-first in document order so fan-out keeps the order the connections were drawn.
        results: list[tuple[ElementKey, str, Edge]] = []

        def walk(end: PinEnd) -> None:
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
            targets: list[tuple[ElementKey, str, Edge]]
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
        self, parameter: Parameter, type_name: str | None, context: NetworkContext, where: str
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

    def fb_parameters(self, fb: GraphFB, name: str) -> tuple[DeployedParameter, ...]:
        merged = _params_by_pin(fb.instance.parameters)
        merged.update(fb.pushed)
        # A configured generic FB (STRUCT_MUX with a StructuredType attribute) has the pins of
        # its data type, not of its declared interface: the loader checks them once built.
        configured = configuration(fb.instance.attributes) is not None
        result = []
        for pin, parameter in merged.items():
            var = fb.interface.input_var(pin) if fb.interface is not None else None
            if fb.interface is not None and var is None and not configured:
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
                fb.instance.attributes,
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
                    fb.attributes,
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
