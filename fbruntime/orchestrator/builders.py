"""How each kind of application is built into a device: a registry the Orchestrator consults.

Built in: ``type`` (one block type by name and version, through the Loader: Python, JSON
composites, 4diac XML from folders or the database), ``composite`` (an inline composite
definition) and ``system`` (a 4diac ``.sys`` or ``.fbt``: uploaded, on disk, or listed by the
Loader; built by :func:`fbruntime.fourdiac.load`). Pipelines register their own
builder later with :meth:`Orchestrator.register_kind`; nothing here needs to change for that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fbruntime.core import Clock, Device
from fbruntime.loader import CompositeDefinition, LoaderError, build_composite, parse_definition
from fbruntime.orchestrator.errors import BadDefinition

if TYPE_CHECKING:
    from fbruntime.loader import Loader

__all__ = [
    "AppSpec",
    "Builder",
    "BuiltApp",
    "build_composite_app",
    "build_system_app",
    "build_type_app",
]


@dataclass(frozen=True)
class AppSpec:
    """What an application is made from, exactly as it is persisted."""

    name: str
    kind: str
    type_name: str | None = None
    type_version: str | None = None
    definition: Any = None


@dataclass(frozen=True)
class BuiltApp:
    device: Device
    root: str | None
    type_name: str | None = None
    type_version: str | None = None
    definition: Any = None


Builder = Callable[["Loader", AppSpec, Clock], Awaitable[BuiltApp]]

RESOURCE = "RES"


async def build_type_app(loader: Loader, spec: AppSpec, clock: Clock) -> BuiltApp:
    if not spec.type_name:
        raise BadDefinition(f"application {spec.name!r}: name the type to create it from")
    fbtype = await loader.load(spec.type_name, spec.type_version)
    device = Device(spec.name, clock=clock)
    device.add_resource(RESOURCE).add(fbtype.name, fbtype)
    return BuiltApp(device, fbtype.name, fbtype.name, fbtype.version, None)


async def build_composite_app(loader: Loader, spec: AppSpec, clock: Clock) -> BuiltApp:
    try:
        definition = (
            spec.definition
            if isinstance(spec.definition, CompositeDefinition)
            else parse_definition(spec.definition, f"application {spec.name!r}")
        )
    except ValueError as exc:
        raise BadDefinition(str(exc)) from None
    for inner, version in definition.inner_type_names():
        await loader.load(inner, version)
    try:
        ct = build_composite(definition, loader.get, origin=f"application {spec.name}")
    except LoaderError:
        raise
    except Exception as exc:
        raise BadDefinition(f"application {spec.name!r}: {exc}") from None
    device = Device(spec.name, clock=clock)
    device.add_resource(RESOURCE).add(ct.name, ct)
    return BuiltApp(
        device, ct.name, ct.name, ct.version, definition.model_dump(mode="json", by_alias=True)
    )


async def build_system_app(loader: Loader, spec: AppSpec, clock: Clock) -> BuiltApp:
    """A 4diac ``.sys`` (every resource of every device), or a ``.fbt`` (one instance in RES).

    The definition is one of ``{"xml": text, "file": name}`` (uploaded), ``{"path": file or
    folder}`` (on disk, read again on restore) or ``{"system": name, "version": v}`` (a system the
    Loader lists from the database; one from a folder is kept by its path). Types come from the
    system's own folder first, then the Loader's 4diac folders and stored XML; Python and JSON
    types of the Loader stand in for native ones.
    """
    import fbruntime.fourdiac as fd

    definition = spec.definition if isinstance(spec.definition, dict) else {}
    path, persisted, version = await _system_source(loader, spec.name, definition)
    project = path if path.is_dir() else path.parent
    types = loader.fourdiac.types(project)
    try:
        result = fd.load(path, clock=clock, types=types, strict=True)
    except (fd.LoadError, fd.FourdiacError) as exc:
        message = loader.fourdiac.relabel(str(exc))
        raise BadDefinition(f"application {spec.name!r}: {message}") from None
    device = result.device
    if result.deployment is None:
        res = device.resources[RESOURCE]
        root = next(iter(res.network.instances))
        fbtype = res.network.instances[root].rt__type
        return BuiltApp(device, root, fbtype.name, version or fbtype.version or None, persisted)
    return BuiltApp(device, None, result.deployment.system, version, persisted)


async def _system_source(
    loader: Loader, app: str, definition: dict[str, Any]
) -> tuple[Path, dict[str, Any], str | None]:
    """The file to load, the definition to persist, and the version when one is known."""
    given = [k for k in ("xml", "path", "system") if definition.get(k)]
    if "path" in given and "system" in given:
        given.remove("system")  # a folder's system is kept by its path
    if len(given) != 1:
        raise BadDefinition(
            f"application {app!r}: give exactly one of a system's XML, its path, or its name"
        )
    if "xml" in given:
        xml = definition["xml"]
        if not isinstance(xml, str) or not xml.strip():
            raise BadDefinition(f"application {app!r}: the system's XML is empty")
        file_name = Path(str(definition.get("file") or "upload.sys")).name
        if Path(file_name).suffix.lower() not in (".sys", ".fbt"):
            raise BadDefinition(
                f"application {app!r}: {file_name!r} must end in .sys (a system) or .fbt (a type)"
            )
        path = loader.fourdiac.upload(xml.encode("utf-8"), file_name)
        return path, {"xml": xml, "file": file_name}, None
    if "path" in given:
        path = Path(str(definition["path"])).expanduser()
        if not path.exists():
            raise BadDefinition(f"application {app!r}: {path}: no such file or folder")
        return path, {**definition, "path": str(path)}, None
    name = str(definition["system"])
    version = definition.get("version")
    path, entry = await loader.system_file(name, None if version is None else str(version))
    if entry.source == "file":
        return path, {"system": entry.name, "path": str(path)}, entry.version or None
    return path, {"system": entry.name, "version": entry.version}, entry.version


BUILTIN: dict[str, Builder] = {
    "type": build_type_app,
    "composite": build_composite_app,
    "system": build_system_app,
}
