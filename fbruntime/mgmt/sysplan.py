"""What the 4diac IDE's Deploy sends to each device of a system, as management commands.

:func:`plan_system` turns a resolved ``.sys`` (a :class:`~fbruntime.fourdiac.deployed.Deployment`)
into one :class:`DevicePlan` per device: the address its ``MGR_ID`` names and the requests, in
the IDE's order (``DownloadRunnable``): per resource, CREATE the resource (dst ``""``), WRITE
its parameters, CREATE each FB and WRITE its parameters, CREATE the connections, START the
resource. Every FB the mapping places in the resource is there (subapps flattened to
``App.Sub.FB``), with the resource's own FBs (the communication blocks a distributed
application needs live there, as in the IDE's examples); the FBs the resource type brings
(``START``) are not created. The same plan is a device's boot file (the IDE's "Create boot
files") and the text ``fbrt deploy --dry-run`` prints.

As the IDE: type names are sent unqualified (FORTE answers UNSUPPORTED_TYPE to
``iec61499::events::E_CTU``), an FB configured by a ``StructuredType``/``DataType`` attribute is
sent as ``TYPE_1<data type>``, device parameters are not written. Unlike the IDE, application FBs
that no mapping places are reported (the IDE deploys them nowhere, silently).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fbruntime.fourdiac.configured import configuration
from fbruntime.fourdiac.deployed import (
    DEFAULT_DEVICE,
    DeployedDevice,
    DeployedFB,
    DeployedResource,
    Deployment,
)
from fbruntime.mgmt.bootfile import format_boot_file
from fbruntime.mgmt.commands import Command, CreateConnection, CreateFB, Start, WriteParameter
from fbruntime.mgmt.requests import render_request
from fbruntime.mgmt.server import DEFAULT_PORT

__all__ = [
    "DEFAULT_MGR_ID",
    "DevicePlan",
    "PlanError",
    "PlannedRequest",
    "dry_run_text",
    "parse_mgr_id",
    "plan_system",
]

DEFAULT_MGR_ID = f"localhost:{DEFAULT_PORT}"
"""FORTE_PC's default MGR_ID, used for a device that sets none."""


class PlanError(ValueError):
    """A system that cannot be planned: a bad address or an unknown ``--device`` name."""


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """One request of a plan: where it goes (``""`` = the device) and what it says."""

    dst: str
    command: Command

    def describe(self, request_id: int | str) -> str:
        """The request as sent, with where it goes: ``resource R: <Request ...>``."""
        where = f"resource {self.dst}" if self.dst else "the device"
        return f"{where}: {render_request(request_id, self.command)}"


@dataclass(frozen=True, slots=True)
class DevicePlan:
    """One device's part of a deployment: where to send it and what."""

    device: str
    type_name: str
    host: str
    port: int
    resources: tuple[tuple[str, str], ...]
    """``(name, type)`` of each resource deployed, in order."""
    requests: tuple[PlannedRequest, ...]

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def boot_file(self) -> str:
        """The plan as ``.fboot`` text (requests numbered from 1)."""
        return format_boot_file((r.dst, r.command) for r in self.requests)


def parse_mgr_id(text: str, where: str) -> tuple[str, int]:
    """``"host:port"`` (quotes optional, as the IDE reads MGR_ID) -> (host, port)."""
    value = text.strip().strip("'\"").strip()
    host, colon, port_text = value.rpartition(":")
    host = host.strip().strip("[]")
    if not colon or not host:
        raise PlanError(f"{where}: {text!r} is not HOST:PORT")
    if not port_text.strip().isdigit() or not 0 < int(port_text) <= 0xFFFF:
        raise PlanError(f"{where}: {text!r}: the port is not a number from 1 to 65535")
    return host, int(port_text)


def plan_system(
    deployment: Deployment, addresses: Mapping[str, str] | None = None
) -> tuple[list[DevicePlan], list[str]]:
    """Each device's plan, and warnings (FBs placed nowhere, problems of the system).

    ``addresses`` maps device names to ``HOST:PORT`` and wins over their ``MGR_ID``; a name that
    is no device of the system raises :class:`PlanError`.
    """
    overrides = dict(addresses or {})
    known = {d.name for d in deployment.devices if d.name != DEFAULT_DEVICE}
    unknown = sorted(set(overrides) - known)
    if unknown:
        listed = ", ".join(sorted(known)) or "none"
        raise PlanError(
            f"--device {unknown[0]}: the system {deployment.system!r} has no such device "
            f"(its devices: {listed})"
        )
    warnings = [str(p) for p in deployment.problems]
    plans: list[DevicePlan] = []
    for device in deployment.devices:
        if device.name == DEFAULT_DEVICE:
            names = [fb.name for _, res in _resources(device) for fb in res.fbs]
            if names:
                shown = ", ".join(names[:10]) + (" ..." if len(names) > 10 else "")
                warnings.append(
                    f"{len(names)} application FB(s) are mapped to no resource and are not "
                    f"deployed: {shown}"
                )
            continue
        plans.append(_plan_device(device, overrides.get(device.name)))
    return plans, warnings


def _resources(device: DeployedDevice) -> list[tuple[DeployedDevice, DeployedResource]]:
    return [(device, res) for res in device.resources]


def _plan_device(device: DeployedDevice, override: str | None) -> DevicePlan:
    if override is not None:
        host, port = parse_mgr_id(override, f"--device {device.name}")
    else:
        mgr_id = next((p.text for p in device.parameters if p.pin == "MGR_ID"), DEFAULT_MGR_ID)
        origin = device.origin
        host, port = parse_mgr_id(mgr_id, f"{origin}: device {device.name} MGR_ID")
    requests: list[PlannedRequest] = []
    for res in device.resources:
        requests.extend(_plan_resource(res))
    return DevicePlan(
        device.name,
        device.type_name,
        host,
        port,
        tuple((res.name, _plain(res.type_name)) for res in device.resources),
        tuple(requests),
    )


def _plan_resource(res: DeployedResource) -> list[PlannedRequest]:
    out = [PlannedRequest("", CreateFB(res.name, _plain(res.type_name)))]
    out.extend(
        PlannedRequest("", WriteParameter(p.text, f"{res.name}.{p.pin}")) for p in res.parameters
    )
    for fb in res.fbs:
        out.append(PlannedRequest(res.name, CreateFB(fb.name, _fb_type(fb))))
        out.extend(
            PlannedRequest(res.name, WriteParameter(p.text, f"{fb.name}.{p.pin}"))
            for p in fb.parameters
        )
    out.extend(
        PlannedRequest(res.name, CreateConnection(c.source, c.destination)) for c in res.connections
    )
    out.append(PlannedRequest(res.name, Start()))
    return out


def _plain(type_name: str) -> str:
    return type_name.rsplit("::", 1)[-1]


def _fb_type(fb: DeployedFB) -> str:
    configured = configuration(fb.attributes)
    name = _plain(fb.type_name)
    if configured is not None:
        return f"{name}_1{_plain(configured)}"
    return name


def dry_run_text(plans: Sequence[DevicePlan]) -> str:
    """What ``--dry-run`` prints: per device a header, then its requests as boot-file lines."""
    parts = []
    for plan in plans:
        parts.append(f"# device {plan.device} ({plan.type_name}) at {plan.address}\n")
        parts.append(plan.boot_file())
    return "".join(parts)
