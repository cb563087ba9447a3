"""Device and resource types FORTE has built in, for projects that ship no ``.dev``/``.res``.

FORTE compiles its device and resource types into the runtime (``RMT_DEV``, ``EMB_RES``,
``RMT_RES`` under ``src/stdfblib/ita``), and the IDE's device types (``FORTE_PC`` and the board
variants) all run that same FORTE. A bare IDE project therefore names them without carrying
their files. :class:`~fbruntime.fourdiac.library.TypeLibrary` falls back to the models here only
when no file in its folders resolves the name, so a project's own file always wins.

The models are read from small XML documents written here (through the same reader as any file),
so they behave exactly like files; their "file" is a pseudo path under :data:`BUILTIN_PREFIX`
that error messages show. Each resource type holds only ``START:E_RESTART``: FORTE's
``RMT_RES`` also holds the device manager FBs (``MGR_FF``, ``MGR``), but in fbrt the management
protocol is served by ``fbruntime.mgmt``, not by FBs in a resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from fbruntime.fourdiac.model import LibraryElement
from fbruntime.fourdiac.reader import read_bytes

__all__ = [
    "BUILTIN_PREFIX",
    "STANDARD_PACKAGE",
    "StandardType",
    "is_builtin",
    "standard_model",
    "standard_types",
]

BUILTIN_PREFIX = "fbrt-builtin:"
"""Start of the pseudo file name of every built-in type (``fbrt-builtin:EMB_RES.res``)."""

STANDARD_PACKAGE = "iec61499::system"
"""The package FORTE and the 3.x IDE library put these types in."""

_MGR_ID = (("MGR_ID", "WSTRING", '"localhost:61499"', "Device manager socket ID"),)


@dataclass(frozen=True, slots=True)
class StandardType:
    """What the library indexes a built-in by, as it would a file (``root_tag`` as in XML)."""

    name: str
    root_tag: str
    file: str


@dataclass(frozen=True, slots=True)
class _Standard:
    name: str
    tag: str
    comment: str
    parameters: tuple[tuple[str, str, str, str], ...] = ()
    array_sizes: tuple[tuple[str, int], ...] = ()
    start: bool = False

    @property
    def file(self) -> str:
        extension = "dev" if self.tag == "DeviceType" else "res"
        return f"{BUILTIN_PREFIX}{self.name}.{extension}"


_STANDARD = (
    _Standard("FORTE_PC", "DeviceType", "FORTE on a PC (Linux or Windows)", _MGR_ID),
    _Standard("RMT_DEV", "DeviceType", "FORTE's own remotely managed device", _MGR_ID),
    _Standard("RaspberryPI", "DeviceType", "FORTE on a Raspberry Pi", _MGR_ID),
    _Standard("BeagleBoneBlack", "DeviceType", "FORTE on a BeagleBone Black", _MGR_ID),
    _Standard("PFC200", "DeviceType", "FORTE on a Wago PFC200", _MGR_ID),
    _Standard(
        "FBRT_WINDOW",
        "DeviceType",
        "An FBRT device with a window",
        (
            ("BOUNDS", "DINT", "", "Window x, y, width, height"),
            ("GRID", "DINT", "", "Layout rows, columns"),
            *_MGR_ID,
        ),
        (("BOUNDS", 4), ("GRID", 2)),
    ),
    _Standard("EMB_RES", "ResourceType", "Embedded resource: runs FB networks", start=True),
    _Standard(
        "RMT_RES",
        "ResourceType",
        "Remotely managed resource",
        (("MGR_ID", "WSTRING", "", "Device manager socket ID"),),
        start=True,
    ),
    _Standard(
        "Config_EMB_RES",
        "ResourceType",
        "Embedded resource with configuration inputs",
        (("OPCUA_Namespace", "WSTRING", "", "OPC UA namespace"),),
        start=True,
    ),
)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _xml(std: _Standard) -> bytes:
    sizes = dict(std.array_sizes)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<{std.tag} Name="{std.name}" Comment="{_attr(std.comment)}">',
        '  <Identification Standard="61499-2"/>',
        '  <VersionInfo Organization="fbrt" Version="1.0" Author="fbrt" Date="2025-01-01"/>',
        f'  <CompilerInfo packageName="{STANDARD_PACKAGE}"/>',
    ]
    for name, type_name, initial, comment in std.parameters:
        size = f' ArraySize="{sizes[name]}"' if name in sizes else ""
        value = f' InitialValue="{_attr(initial)}"' if initial else ""
        lines.append(
            f'  <VarDeclaration Name="{name}" Type="{type_name}"{size}{value}'
            f' Comment="{_attr(comment)}"/>'
        )
    if std.start:
        lines.append('  <FBNetwork><FB Name="START" Type="E_RESTART"/></FBNetwork>')
    lines.append(f"</{std.tag}>")
    return "\n".join(lines).encode("utf-8")


_TYPES = tuple(StandardType(s.name, s.tag, s.file) for s in _STANDARD)
_BY_FILE = {s.file: s for s in _STANDARD}
_MODELS: dict[str, LibraryElement] = {}


def standard_types() -> tuple[StandardType, ...]:
    """Every built-in device and resource type (all in :data:`STANDARD_PACKAGE`)."""
    return _TYPES


def is_builtin(file: str) -> bool:
    return file.startswith(BUILTIN_PREFIX)


def standard_model(file: str) -> LibraryElement | None:
    """The model of the built-in type whose pseudo file is *file*, read once per process."""
    model = _MODELS.get(file)
    if model is None:
        std = _BY_FILE.get(file)
        if std is None:
            return None
        model = _MODELS[file] = read_bytes(_xml(std), file)
    return model
