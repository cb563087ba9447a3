"""Running 4diac files: a ``.sys``, a composite ``.fbt`` or a folder built into a core ``Device``.

A system becomes one :class:`~fbruntime.core.Device` holding every resource of every device
(named ``RES``, or ``DEV_RES`` when two devices share a resource name); application FBs that no
mapping places run in the resource ``_default``. Subapps are flattened by
:func:`~fbruntime.fourdiac.deploy.resolve_system`; types come from :class:`FourdiacTypes`
(native first, as FORTE). Parameters are written as parameters so they survive a reset. What
cannot be built is collected into :class:`LoadError` (every problem, each naming file and line),
so one bad type does not hide the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fbruntime.core import Device, FBType, Resource
from fbruntime.core.clock import Clock
from fbruntime.core.network import coerce_value
from fbruntime.fourdiac.build import FourdiacTypes, connect_adapters, return_pin, type_generics
from fbruntime.fourdiac.configured import configure_instance
from fbruntime.fourdiac.deploy import DeployedResource, Deployment, resolve_system
from fbruntime.fourdiac.drawing import attach
from fbruntime.fourdiac.errors import FourdiacError, Problem
from fbruntime.fourdiac.iectypes import parse_value
from fbruntime.fourdiac.model import ConnectionKind, FunctionType
from fbruntime.fourdiac.reader import read_file

__all__ = ["LoadError", "LoadResult", "load_device", "load_system", "resolve_trigger"]


class LoadError(FourdiacError):
    """Building a device failed; ``problems`` lists every reason (file, line, element, what).

    A :class:`FourdiacError` (its ``problem`` is the first one), so callers that report 4diac
    input errors report these too instead of showing a traceback.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        self.problem = self.problems[0] if self.problems else Problem("", 0, "", "cannot load")
        Exception.__init__(self, f"cannot load: {len(self.problems)} problem(s)\n{lines}{more}")


@dataclass
class LoadResult:
    device: Device
    deployment: Deployment | None
    problems: list[Problem]
    types: FourdiacTypes


def _resource_names(deployment: Deployment) -> dict[tuple[str, str], str]:
    counts: dict[str, int] = {}
    for _, res in deployment.resources():
        counts[res.name] = counts.get(res.name, 0) + 1
    return {
        (dev.name, res.name): res.name if counts[res.name] == 1 else f"{dev.name}_{res.name}"
        for dev, res in deployment.resources()
    }


def load_system(
    path: str | Path,
    types: FourdiacTypes,
    *,
    clock: Clock | None = None,
    strict: bool = True,
) -> LoadResult:
    """Build a device from a ``.sys``; with ``strict`` any problem raises :class:`LoadError`."""
    deployment = resolve_system(path, types.library)
    problems: list[Problem] = list(deployment.problems)
    for missing in deployment.missing_types:
        native = types.native_of(missing.type_name)
        if native is None:
            problems.append(
                Problem(
                    missing.origin.file,
                    missing.origin.line,
                    "FB",
                    f"type {missing.type_name!r} of {missing.used_by}: {missing.reason}",
                )
            )
    device = Device(deployment.system, clock=clock)
    names = _resource_names(deployment)
    for dev, res in deployment.resources():
        resource = device.add_resource(names[(dev.name, res.name)])
        _build_resource(resource, res, types, problems)
        drawing = deployment.drawings.get(f"{dev.name}.{res.name}")
        if drawing is not None:
            attach(resource.network, drawing)
    if strict and problems:
        raise LoadError(problems)
    return LoadResult(device, deployment, problems, types)


def _type_of(types: FourdiacTypes, type_name: str, entry: Any) -> FBType:
    native = types.native_of(type_name)
    if native is not None and (not types.prefer_xml or entry is None):
        return native
    if entry is not None:
        try:
            return types.build_entry(entry)
        except FourdiacError:
            if native is not None:
                return native
            raise
    return types.get(type_name)


def _build_resource(
    resource: Resource, res: DeployedResource, types: FourdiacTypes, problems: list[Problem]
) -> None:
    resource.network.data_fan_in = False  # FORTE: a data input takes one connection
    fbtypes: dict[str, FBType] = {}
    returns: dict[str, str] = {}
    for fb in (*res.builtin_fbs, *res.fbs):
        try:
            fbtype = _type_of(types, fb.type_name, fb.type_entry)
            fbtypes[fb.name] = configure_instance(types, fbtype, fb.attributes)
        except FourdiacError as exc:
            problems.append(
                Problem(fb.origin.file, fb.origin.line, "FB", f"{fb.name}: {exc.problem}")
            )
            continue
        if fbtypes[fb.name].kind == "function" and fb.type_entry is not None:
            model = types.library.load(fb.type_entry)
            if isinstance(model, FunctionType):
                returns[fb.name] = return_pin(model.interface)
    plain = [
        (_fix(c.source, returns), _fix(c.destination, returns))
        for c in res.connections
        if c.kind is not ConnectionKind.ADAPTER
    ]
    params = {fb.name: {p.pin: p.text for p in fb.parameters} for fb in res.fbs}
    fbtypes = type_generics(fbtypes, plain, None, params)
    for fb in (*res.builtin_fbs, *res.fbs):
        t = fbtypes.get(fb.name)
        if t is None:
            continue
        try:
            inst = resource.add(fb.name, t)
        except Exception as exc:
            problems.append(Problem(fb.origin.file, fb.origin.line, "FB", f"{fb.name}: {exc}"))
            continue
        for p in fb.parameters:
            port = t.interface.data_port(p.pin)
            if port is None:
                problems.append(
                    Problem(
                        p.origin.file, p.origin.line, "Parameter", f"{fb.name} has no pin {p.pin!r}"
                    )
                )
                continue
            try:
                if port.type.is_generic:
                    value = coerce_value(port.type, p.text, f"{fb.name}.{p.pin}")
                elif p.value is not None:
                    value = port.type.coerce(p.value)
                else:
                    value = parse_value(
                        p.text, port.type, p.origin.file, p.origin.line, f"{fb.name}.{p.pin}"
                    )
                inst.rt__set_param(p.pin, value)
            except FourdiacError as exc:
                problems.append(exc.problem)
            except Exception as exc:
                problems.append(
                    Problem(p.origin.file, p.origin.line, "Parameter", f"{fb.name}.{p.pin}: {exc}")
                )
    missing = {fb.name for fb in (*res.builtin_fbs, *res.fbs)} - set(resource.network.instances)
    for c in res.connections:
        source, destination = _fix(c.source, returns), _fix(c.destination, returns)
        if source.rpartition(".")[0] in missing or destination.rpartition(".")[0] in missing:
            continue  # the FB's own problem is reported already
        try:
            if c.kind is ConnectionKind.ADAPTER:
                connect_adapters(resource.network.instances, source, destination)
            else:
                resource.connect(source, destination)
        except Exception as exc:
            problems.append(
                Problem(
                    c.origin.file,
                    c.origin.line,
                    "Connection",
                    f"{source} -> {destination}: {exc}",
                )
            )


def _fix(path: str, returns: dict[str, str]) -> str:
    if path.endswith(".") and path[:-1] in returns:
        return path + returns[path[:-1]]
    return path


def load_composite(
    path: str | Path, types: FourdiacTypes, *, clock: Clock | None = None
) -> LoadResult:
    """A device with one resource ``RES`` holding one instance of the type in ``path``."""
    model = read_file(path)
    entry = types.library.resolve(model.header.qualified_name)
    fbtype = types.build_entry(entry) if entry is not None else types.build(model, str(path))
    device = Device(model.header.name, clock=clock)
    res = device.add_resource("RES")
    res.add(model.header.name, fbtype)
    return LoadResult(device, None, [], types)


def load_device(
    path: str | Path,
    type_dirs: Sequence[str | Path] = (),
    *,
    clock: Clock | None = None,
    prefer_xml: bool = False,
    strict: bool = True,
    native: Mapping[str, FBType] | None = None,
) -> Device:
    """Build a Device from a ``.sys``, a composite/basic ``.fbt``, or a folder holding ``.sys``.

    Types are looked up in the file's folder (the project) and then ``type_dirs``; ``native``
    is the library of native types (default: the shipped blocks; ``fbrt run`` passes FORTE's
    built-ins too, ``fbruntime.builtin.BuiltinLibrary``).
    Raises :class:`LoadError` (all problems) or :class:`FourdiacError` (an unreadable file).
    """
    return load(
        path, type_dirs, clock=clock, prefer_xml=prefer_xml, strict=strict, native=native
    ).device


def load(
    path: str | Path,
    type_dirs: Sequence[str | Path] = (),
    *,
    clock: Clock | None = None,
    prefer_xml: bool = False,
    strict: bool = True,
    types: FourdiacTypes | None = None,
    native: Mapping[str, FBType] | None = None,
) -> LoadResult:
    p = Path(path)
    if p.is_dir():
        systems = sorted(q for q in p.rglob("*") if q.suffix.lower() == ".sys")
        if not systems:
            raise FourdiacError(str(p), 0, "", "the folder holds no .sys file to run")
        if len(systems) > 1:
            listed = ", ".join(str(s.relative_to(p)) for s in systems)
            raise FourdiacError(
                str(p), 0, "", f"the folder holds several systems ({listed}); name one"
            )
        project = p
        p = systems[0]
    else:
        if not p.exists():
            raise FourdiacError(str(p), 0, "", "no such file")
        project = p.parent
    if types is None:
        types = FourdiacTypes([project, *type_dirs], prefer_xml=prefer_xml, native=native)
    if p.suffix.lower() == ".sys":
        return load_system(p, types, clock=clock, strict=strict)
    if p.suffix.lower() == ".fbt":
        return load_composite(p, types, clock=clock)
    raise FourdiacError(str(p), 0, "", "expected a .sys, an .fbt or a folder")


def resolve_trigger(device: Device, path: str) -> tuple[Resource, str, str]:
    """``App.Sub.FB.EVENT`` (optionally prefixed by ``DEV.RES.`` or ``RES.``) -> where to fire.

    Returns (resource, FB path inside it, event name). The longest matching prefix wins.
    """
    parts = path.split(".")
    if len(parts) < 2:
        raise ValueError(f"trigger {path!r}: expected FB.EVENT")
    candidates: list[tuple[Resource, str]] = []
    for name, res in device.resources.items():
        if parts[0] == name:
            candidates.append((res, ".".join(parts[1:])))
        if len(parts) > 2 and (parts[1] == name or f"{parts[0]}_{parts[1]}" == name):
            candidates.append((res, ".".join(parts[2:])))
    candidates.extend((res, path) for res in device.resources.values())
    for res, rest in candidates:
        try:
            inst, pin = res.find(rest)
        except Exception:
            continue
        if pin is not None and inst.rt__type.interface.event_input(pin) is not None:
            return res, rest[: -len(pin) - 1], pin
    raise ValueError(f"trigger {path!r}: no event input at that path in any resource")
