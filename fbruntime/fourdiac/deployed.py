"""What a resolved ``.sys`` deploys: per device and resource, the FBs, parameters and connections.

:func:`fbruntime.fourdiac.deploy.resolve_system` builds a :class:`Deployment`; the loader of
systems (:mod:`fbruntime.fourdiac.loader`) and the conformance tests read it. FB names are full
dotted names (``App.Sub.FB``), connections join real FB pins, parameters carry the text written
and the value parsed. Application FBs no mapping places run in the default device and resource
named here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fbruntime.fourdiac.drawing import Drawing
from fbruntime.fourdiac.errors import Origin, Problem
from fbruntime.fourdiac.library import TypeEntry
from fbruntime.fourdiac.model import Attribute, ConnectionKind

DEFAULT_DEVICE = "_default"
DEFAULT_RESOURCE = "_default"
DEFAULT_DEVICE_TYPE = "FORTE_PC"
DEFAULT_RESOURCE_TYPE = "EMB_RES"


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
    """``attributes`` are the instance's own (a ``StructuredType`` one configures a STRUCT_MUX)."""

    name: str
    type_name: str
    type_entry: TypeEntry | None
    parameters: tuple[DeployedParameter, ...]
    origin: Origin
    attributes: tuple[Attribute, ...] = ()


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
    drawings: Mapping[str, Drawing] = field(default_factory=dict)  # by "Device.Resource"

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
