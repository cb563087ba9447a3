"""Types FORTE has built in, for projects that ship no file for them.

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

The same goes for FORTE's two adapter types, ATimeOut and ARTimeOut, and the blocks that serve
them, E_TimeOut and E_RTimeOut: a project's Basic FB may have an ATimeOut plug without the
project holding ``ATimeOut.adp``. Each of the two blocks is a composite here (its socket joined
to an E_DELAY or E_RDELAY), which behaves as FORTE's: START arms the timer (a START while armed
is ignored by E_TimeOut, restarts it in E_RTimeOut), STOP disarms it, expiry sends TimeOut.
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
    package: str = STANDARD_PACKAGE


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


EVENTS_PACKAGE = "iec61499::events"
"""The package of the built-in adapters and time-out blocks."""

_HEADER = (
    '<Identification Standard="61499-1"/>'
    '<VersionInfo Organization="fbrt" Version="1.0" Author="fbrt" Date="2025-01-01"/>'
    f'<CompilerInfo packageName="{EVENTS_PACKAGE}"/>'
)

_ADAPTER = (
    '<AdapterType Name="{name}" Comment="Time-out service: START(DT) arms, STOP disarms">'
    + _HEADER
    + '<InterfaceList><EventInputs><Event Name="TimeOut" Type="Event"/></EventInputs>'
    '<EventOutputs><Event Name="START" Type="Event"><With Var="DT"/></Event>'
    '<Event Name="STOP" Type="Event"/></EventOutputs>'
    '<OutputVars><VarDeclaration Name="DT" Type="TIME"/></OutputVars></InterfaceList>'
    "</AdapterType>"
)

_TIMEOUT = (
    '<FBType Name="{name}" Comment="Serves a {adapter} socket with an {delay}">'
    + _HEADER
    + '<InterfaceList><Sockets><AdapterDeclaration Name="TimeOutSocket" Type="{adapter}"/>'
    '</Sockets></InterfaceList><FBNetwork><FB Name="DLY" Type="{delay}"/><EventConnections>'
    '<Connection Source="TimeOutSocket.START" Destination="DLY.START"/>'
    '<Connection Source="TimeOutSocket.STOP" Destination="DLY.STOP"/>'
    '<Connection Source="DLY.EO" Destination="TimeOutSocket.TimeOut"/></EventConnections>'
    '<DataConnections><Connection Source="TimeOutSocket.DT" Destination="DLY.DT"/>'
    "</DataConnections></FBNetwork></FBType>"
)

_DOCUMENTS: dict[str, tuple[str, str]] = {
    # file: (root tag, XML)
    f"{BUILTIN_PREFIX}ATimeOut.adp": ("AdapterType", _ADAPTER.format(name="ATimeOut")),
    f"{BUILTIN_PREFIX}ARTimeOut.adp": ("AdapterType", _ADAPTER.format(name="ARTimeOut")),
    f"{BUILTIN_PREFIX}E_TimeOut.fbt": (
        "FBType",
        _TIMEOUT.format(name="E_TimeOut", adapter="ATimeOut", delay="E_DELAY"),
    ),
    f"{BUILTIN_PREFIX}E_RTimeOut.fbt": (
        "FBType",
        _TIMEOUT.format(name="E_RTimeOut", adapter="ARTimeOut", delay="E_RDELAY"),
    ),
}

_TYPES = (
    *(StandardType(s.name, s.tag, s.file) for s in _STANDARD),
    *(
        StandardType(file[len(BUILTIN_PREFIX) :].rsplit(".", 1)[0], tag, file, EVENTS_PACKAGE)
        for file, (tag, _) in _DOCUMENTS.items()
    ),
)
_BY_FILE = {s.file: s for s in _STANDARD}
_MODELS: dict[str, LibraryElement] = {}


def standard_types() -> tuple[StandardType, ...]:
    """Every built-in type: devices and resources (in :data:`STANDARD_PACKAGE`), adapters."""
    return _TYPES


def is_builtin(file: str) -> bool:
    return file.startswith(BUILTIN_PREFIX)


def standard_model(file: str) -> LibraryElement | None:
    """The model of the built-in type whose pseudo file is *file*, read once per process."""
    model = _MODELS.get(file)
    if model is None:
        std = _BY_FILE.get(file)
        if std is not None:
            text = _xml(std)
        elif file in _DOCUMENTS:
            text = _DOCUMENTS[file][1].encode("utf-8")
        else:
            return None
        model = _MODELS[file] = read_bytes(text, file)
    return model
