"""How each kind of application is built into a device: a registry the Orchestrator consults.

Built in: ``type`` (one block type by name and version, through the Loader), ``composite`` (an
inline composite definition) and ``system`` (a 4diac ``.sys`` document, through
``fbruntime.fourdiac.load_device`` when the importer provides it). Pipelines register their own
builder later with :meth:`Orchestrator.register_kind`; nothing here needs to change for that.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fbruntime.core import Clock, Device
from fbruntime.loader import CompositeDefinition, LoaderError, build_composite, parse_definition
from fbruntime.orchestrator.errors import BadDefinition, Unsupported

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
    import fbruntime.fourdiac as fd

    load_device = getattr(fd, "load_device", None)
    if load_device is None:
        raise Unsupported(
            "4diac systems cannot be run by this build yet (fbruntime.fourdiac.load_device is "
            "missing)"
        )
    definition = spec.definition if isinstance(spec.definition, dict) else {}
    xml = definition.get("xml")
    if not isinstance(xml, str) or not xml.strip():
        raise BadDefinition(f"application {spec.name!r}: a system needs its XML text")
    device = _call_load_device(load_device, xml, definition, loader, clock)
    return BuiltApp(device, None, definition.get("file"), None, definition)


def _call_load_device(
    load_device: Callable[..., Any],
    xml: str,
    definition: dict[str, Any],
    loader: Loader,
    clock: Clock,
) -> Device:
    import tempfile
    from pathlib import Path

    name = str(definition.get("file") or "upload.sys")
    with tempfile.TemporaryDirectory(prefix="fbrt-sys-") as tmp:
        path = Path(tmp) / Path(name).name
        path.write_text(xml, encoding="utf-8")
        try:
            result = load_device(path, clock=clock)
        except TypeError:
            result = load_device(path)
        except Exception as exc:
            raise BadDefinition(f"{name}: {exc}") from None
    device = result[0] if isinstance(result, tuple) else result
    if not isinstance(device, Device):
        raise BadDefinition(f"{name}: the importer returned no device")
    return device


BUILTIN: dict[str, Builder] = {
    "type": build_type_app,
    "composite": build_composite_app,
    "system": build_system_app,
}
